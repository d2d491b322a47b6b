//! `ssot-graph server`: the graph's answers where code is written, over the Language
//! Server Protocol. One thread (this one) owns the project and the open documents and
//! applies the editor's notifications in order; requests are answered on worker threads
//! from the project as it stood when they arrived, and a request cancelled before its
//! worker takes it up is not answered.

mod actions;
mod answers;
mod cursor;
mod diagnostics;
mod documents;
mod folder;
mod places;
mod rename;
mod session;
mod text;
mod transport;
mod workers;
mod workspace;

pub use workspace::Settings;

use anyhow::{Context as _, Result};
use lsp_server::Connection;

/// Serves the editor on stdin and stdout until it says `exit` or closes stdin; the exit
/// code is 1 when it did not ask for `shutdown` first, as the protocol says.
pub fn run(settings: Settings) -> Result<i32> {
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(crate::WORKER_STACK_BYTES);
    if let Some(jobs) = settings.jobs {
        pool = pool.num_threads(jobs.max(1));
    }
    // Already built when the server runs inside a process that built it (the tests).
    let _ = pool.build_global();
    let (connection, threads) = transport::stdio();
    let served = serve(connection, settings);
    threads.join();
    Ok(if served? { 0 } else { 1 })
}

/// Serves one client over `connection`, from `initialize` to `exit` (or the client
/// going away); whether it asked for `shutdown` first.
pub fn serve(connection: Connection, settings: Settings) -> Result<bool> {
    crate::cache::kept::keep();
    let (id, params) = connection
        .initialize_start()
        .context("the client did not start with `initialize`")?;
    let session = session::Session::start(&connection, id, params, settings)?;
    session.main_loop()
}
