//! The threads that answer requests, and the requests the client cancelled before a
//! worker took them up.

use std::sync::{Arc, Mutex};

use crossbeam_channel::{Sender, unbounded};
use lsp_server::{ErrorCode, Message, RequestId, Response};
use rustc_hash::FxHashSet;

type Job = Box<dyn FnOnce() -> Response + Send>;

pub struct Workers {
    jobs: Option<Sender<(RequestId, Job)>>,
    cancelled: Arc<Mutex<FxHashSet<RequestId>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

/// How many requests are answered at once.
const THREADS: usize = 2;

impl Workers {
    /// Workers that send their answers to `out`.
    pub fn new(out: Sender<Message>) -> Workers {
        let (jobs, queue) = unbounded::<(RequestId, Job)>();
        let cancelled: Arc<Mutex<FxHashSet<RequestId>>> = Arc::default();
        let threads = (0..THREADS)
            .map(|n| {
                let queue = queue.clone();
                let out = out.clone();
                let cancelled = cancelled.clone();
                std::thread::Builder::new()
                    .name(format!("ssot-graph-worker-{n}"))
                    // Resolving deep re-export chains recurses.
                    .stack_size(crate::STACK_BYTES)
                    .spawn(move || {
                        for (id, job) in queue {
                            let taken_back = cancelled.lock().is_ok_and(|mut c| c.remove(&id));
                            let response = match taken_back {
                                true => Response::new_err(
                                    id,
                                    ErrorCode::RequestCanceled as i32,
                                    "cancelled".to_string(),
                                ),
                                false => answer(id, job),
                            };
                            if out.send(Message::Response(response)).is_err() {
                                return;
                            }
                        }
                    })
                    .expect("a worker thread starts")
            })
            .collect();
        Workers {
            jobs: Some(jobs),
            cancelled,
            threads,
        }
    }

    pub fn submit(&self, id: RequestId, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send((id, job));
        }
    }

    /// `$/cancelRequest`: a request not yet taken up is answered `RequestCanceled`.
    pub fn cancel(&self, id: RequestId) {
        if let Ok(mut cancelled) = self.cancelled.lock() {
            // Ids of requests answered before their cancellation came are never removed.
            if cancelled.len() > 10_000 {
                cancelled.clear();
            }
            cancelled.insert(id);
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// The job's response; a job that panics is answered with an internal error, and the
/// server goes on.
fn answer(id: RequestId, job: Job) -> Response {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)) {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            eprintln!("ssot-graph server: a request failed: {what} (a bug: please report it)");
            Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("internal error: {what}"),
            )
        }
    }
}
