//! The command line without mimalloc, for heap profilers that watch the system allocator:
//!
//!     cargo build --release --example memprobe
//!     valgrind --tool=massif target/release/examples/memprobe --root TREE stats
//!
//! Output goes nowhere: what is measured is the run, not its printing.
fn main() {
    let cli = ssot_graph::cli::Cli::parse_args();
    let run = move || ssot_graph::run(cli, &mut std::io::sink()).map(|_| ());
    let worker = std::thread::Builder::new().stack_size(ssot_graph::STACK_BYTES);
    if let Err(error) = worker.spawn(run).map(|handle| handle.join()) {
        eprintln!("error: {error}");
    }
}
