use std::io::{BufWriter, Write};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = ssot_graph::cli::Cli::parse_args();
    let worker = std::thread::Builder::new()
        .stack_size(ssot_graph::STACK_BYTES)
        .spawn(move || {
            // Not locked for the whole run: `server` writes its messages from a thread of
            // its own.
            let mut out = BufWriter::new(std::io::stdout());
            let result = ssot_graph::run(cli, &mut out);
            let flushed = out.flush();
            let broken_pipe = |error: &anyhow::Error| {
                error
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            };
            match (result, flushed) {
                (Ok(code), Ok(())) => code,
                // `ssot-graph … | head`: the reader has all it wants.
                (Err(error), _) if broken_pipe(&error) => 0,
                (Err(error), _) => {
                    eprintln!("error: {error:#}");
                    2
                }
                (Ok(_), Err(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => 0,
                (Ok(_), Err(error)) => {
                    eprintln!("error: cannot write output: {error}");
                    2
                }
            }
        });
    let code = match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: internal failure (a bug: please report it)");
            2
        }
    };
    ExitCode::from(code as u8)
}
