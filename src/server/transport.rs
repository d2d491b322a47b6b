//! Standard input and output as an LSP connection, as `lsp_server::Connection::stdio`
//! makes it, except that a message that is not JSON-RPC is said on stderr and skipped
//! instead of ending the server, and that closing stdin ends it as `exit` does.

use std::io::{self, Write as _};
use std::thread::JoinHandle;

use crossbeam_channel::unbounded;
use lsp_server::{Connection, Message};

/// The threads that read stdin and write stdout.
pub struct Threads {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Threads {
    /// Waits for both: the writer ends once every sender of the connection is dropped.
    pub fn join(self) {
        let _ = self.writer.join();
        // The reader may be blocked on stdin the editor keeps open: it ends with the
        // process.
        drop(self.reader);
    }
}

pub fn stdio() -> (Connection, Threads) {
    let (to_server, receiver) = unbounded::<Message>();
    let (sender, from_server) = unbounded::<Message>();
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            match Message::read(&mut input) {
                Ok(Some(message)) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if to_server.send(message).is_err() || exit {
                        return;
                    }
                }
                Ok(None) => return,
                Err(error) if error.kind() == io::ErrorKind::InvalidData => {
                    // What was read of it is dropped: the next header starts anew.
                    eprintln!(
                        "ssot-graph server: skipped a message: {}",
                        shortened(&error)
                    );
                }
                Err(error) => {
                    eprintln!("ssot-graph server: cannot read stdin: {error}");
                    return;
                }
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        for message in from_server {
            let mut out = stdout.lock();
            if message.write(&mut out).and_then(|()| out.flush()).is_err() {
                return;
            }
        }
    });
    (Connection { sender, receiver }, Threads { reader, writer })
}

/// An error's text cut to a line: a malformed message may be megabytes long.
fn shortened(error: &io::Error) -> String {
    let text = error.to_string();
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}
