//! Prints, for each Python file named on standard input (one path a line), how the
//! import style of the repository at ROOT judges each of its import blocks:
//! `PATH<TAB>sorted|unsorted|not-modelled<TAB>START<TAB>END<TAB>TEXT`, TEXT (as a JSON
//! string) being the block as ssot-graph would write it. Used by
//! `bench/isort_agreement.py` to compare the verdicts with ruff's `I001`.
//!
//!     cargo run --release --example isort_judge ROOT < paths

use std::io::{BufRead, Write};
use std::path::Path;

use ssot_graph::environment::Environment;
use ssot_graph::isort::{Style, Verdict};

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: isort_judge ROOT < paths");
    let root = Path::new(&root);
    let environment = Environment::detect(root, (3, 11));
    let style = Style::read(root, &environment);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let path = line.expect("paths on standard input");
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        for verdict in style.judge(Path::new(&path), &source, path.ends_with(".pyi")) {
            let (kind, range, text) = match verdict {
                Verdict::Sorted => ("sorted", 0..0, String::new()),
                Verdict::Unsorted(range, text) => ("unsorted", range, text),
                Verdict::NotModelled => ("not-modelled", 0..0, String::new()),
            };
            let text = serde_json::to_string(&text).expect("a string");
            writeln!(
                out,
                "{path}\t{kind}\t{}\t{}\t{text}",
                range.start, range.end
            )
            .expect("stdout");
        }
    }
}
