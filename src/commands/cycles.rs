//! `cycles`: groups of modules that import each other, each with one concrete cycle.

use std::io::Write;

use serde::Serialize;

use crate::commands::count;
use crate::graph::{EdgeFilter, Graph};
use crate::index::Project;
use crate::view::{self, LinkView};

#[derive(Serialize)]
pub struct Cycles {
    pub schema: &'static str,
    pub cycles: Vec<CycleView>,
}

#[derive(Serialize)]
pub struct CycleView {
    /// Every module of the strongly connected component, sorted.
    pub members: Vec<String>,
    /// One concrete cycle, closed (the first module repeats at the end).
    pub cycle: Vec<String>,
    pub links: Vec<LinkView>,
    /// Every cycle of the component passes through a `TYPE_CHECKING` or function-level
    /// import, so none can fail while modules are being imported.
    pub deferred: bool,
}

pub fn compute(project: &Project, filter: EdgeFilter) -> Cycles {
    let graph = Graph::new(project, filter);
    let name = |m: &u32| project.modules[*m as usize].name.to_string();
    let cycles = graph
        .cycles()
        .into_iter()
        .map(|cycle| CycleView {
            members: cycle.members.iter().map(name).collect(),
            cycle: cycle.chain.iter().map(name).collect(),
            links: graph
                .links(&cycle.chain)
                .iter()
                .map(|l| view::link(project, l))
                .collect(),
            deferred: cycle.deferred,
        })
        .collect();
    Cycles {
        schema: "ssot-graph/cycles/v1",
        cycles,
    }
}

/// Each cycle with its length first, its modules one per line, each followed by the
/// import that leads on, shortest first (the longest, usually the one to look at, ends
/// beside the summary).
pub fn text(out: &mut dyn Write, cycles: &Cycles) -> std::io::Result<()> {
    let mut order: Vec<&CycleView> = cycles.cycles.iter().collect();
    order.sort_by_key(|c| c.cycle.len());
    for cycle in order {
        let when = if cycle.deferred {
            "deferred (TYPE_CHECKING or function-level: cannot fail at import time)"
        } else {
            "at import time"
        };
        let modules = cycle.cycle.len().saturating_sub(1);
        writeln!(out, "{modules}-module cycle, {when}:")?;
        for (module, link) in cycle.cycle.iter().zip(&cycle.links) {
            writeln!(out, "  {module}")?;
            writeln!(out, "      {}", link.text())?;
        }
        if let Some(first) = cycle.cycle.first() {
            writeln!(out, "  {first}")?;
        }
        let others: Vec<&String> = cycle
            .members
            .iter()
            .filter(|m| !cycle.cycle.contains(m))
            .collect();
        if !others.is_empty() {
            writeln!(
                out,
                "  also in its group of {}:",
                count(cycle.members.len(), "module")
            )?;
            for module in others {
                writeln!(out, "    {module}")?;
            }
        }
        writeln!(out)?;
    }
    let counts = CycleCounts::of(cycles.cycles.iter().map(|c| (c.members.len(), c.deferred)));
    writeln!(out, "{counts}")
}

/// How many import cycles, over how many modules, and how many can fail at import time:
/// what `cycles` ends with and `stats` reports.
#[derive(Serialize)]
pub struct CycleCounts {
    pub cycles: usize,
    pub modules: usize,
    pub import_time: usize,
    pub deferred: usize,
}

impl CycleCounts {
    /// From each cycle's (member count, deferred).
    pub fn of(cycles: impl Iterator<Item = (usize, bool)>) -> CycleCounts {
        let mut counts = CycleCounts {
            cycles: 0,
            modules: 0,
            import_time: 0,
            deferred: 0,
        };
        for (members, deferred) in cycles {
            counts.cycles += 1;
            counts.modules += members;
            if deferred {
                counts.deferred += 1;
            } else {
                counts.import_time += 1;
            }
        }
        counts
    }
}

impl std::fmt::Display for CycleCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.cycles {
            0 => write!(f, "no import cycles"),
            n => write!(
                f,
                "{} among {}: {} at import time, {} deferred",
                count(n, "import cycle"),
                count(self.modules, "module"),
                self.import_time,
                self.deferred,
            ),
        }
    }
}

pub fn run(
    ctx: &super::Context,
    args: &crate::cli::CyclesArgs,
    out: &mut dyn Write,
) -> anyhow::Result<i32> {
    let filter = super::edge_filter(&args.filter, args.parents.include_parents);
    ctx.emit(out, &compute(ctx.project, filter), text)
}
