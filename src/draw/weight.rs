//! What an edge of a module graph carries, and how thick that draws it.

use crate::index::Project;

/// What an edge's width counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Weight {
    /// Import sites (`import a`, `from a import b, c` is two)
    Sites,
    /// Import sites and every use of the names they bind
    References,
}

impl Weight {
    /// What one import site adds to its edge.
    pub fn of_site(self, project: &Project, site: usize) -> usize {
        match self {
            Weight::Sites => 1,
            Weight::References => 1 + crate::references::uses_of_site(project, site),
        }
    }

    /// The noun a count of it takes.
    pub fn noun(self) -> &'static str {
        match self {
            Weight::Sites => "import site",
            Weight::References => "reference",
        }
    }
}

/// The least weight a drawing's widest stroke stands for.
const SCALE_AT_LEAST: usize = 100;

/// The stroke width of an edge carrying `weight` in a drawing whose heaviest edge
/// carries `heaviest` (or 100, if more): 1 to 6 points on a logarithmic scale, so an
/// edge of 12,000 sites stands out beside one of 10 and one of 10 beside one of 1.
pub fn stroke(weight: usize, heaviest: usize) -> f64 {
    if heaviest <= 1 || weight <= 1 {
        return 1.0;
    }
    // A small drawing's heaviest edge of 2 sites is no heavy dependency.
    let scale = heaviest.max(SCALE_AT_LEAST) as f64;
    let share = (weight as f64).ln() / scale.ln();
    ((1.0 + 5.0 * share) * 10.0).round() / 10.0
}

/// `12436` as `12,436`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{stroke, thousands};

    #[test]
    fn heavier_edges_are_never_thinner_and_counts_read_with_separators() {
        let widths: Vec<f64> = [1, 2, 10, 100, 12_436]
            .iter()
            .map(|&w| stroke(w, 12_436))
            .collect();
        assert_eq!(widths, [1.0, 1.4, 2.2, 3.4, 6.0]);
        assert_eq!(stroke(5, 1), 1.0);
        assert_eq!(stroke(2, 2), 1.8);
        assert_eq!(thousands(12_436), "12,436");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
