use std::io::{BufWriter, Write};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (v3 numbering): how long freed memory is held
/// before it goes back to the system. Its default, a second, outlasts a warm run, so
/// the snapshot's decode buffers stayed resident: 0 cuts a warm 100k-file `stats`'s
/// peak by an eighth. A `check` of a few files peaks at its end, with or without the
/// freed buffers, and reusing them spares it a tenth of its time (pages the system
/// hands out again are zeroed again): it keeps the default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    let cli = ssot_graph::cli::Cli::parse_args();
    if !cli.command.reads_few_files() {
        // SAFETY: set before any other thread exists, as mimalloc's options require.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
    let worker = std::thread::Builder::new()
        .stack_size(ssot_graph::STACK_BYTES)
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_whose_default_is_a_second() {
        // SAFETY: reading an option is a plain load.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) },
            1000
        );
    }
}
