//! `stats`: the size of the repository's graph and how long each phase took.

use std::io::Write;
use std::time::Instant;

use serde::Serialize;

use crate::commands::cycles::CycleCounts;
use crate::graph;
use crate::index::Project;
use crate::outcome::{Outcome, SiteOutcome};
use crate::resolve::every_site;

#[derive(Serialize)]
pub struct Stats {
    pub schema: &'static str,
    pub root: String,
    pub source_roots: Vec<String>,
    pub files: usize,
    pub modules: ModuleCounts,
    pub import_sites: usize,
    pub edges: EdgeCounts,
    pub definitions: usize,
    pub resolution: ResolutionCounts,
    pub reexport_chains: ChainCounts,
    /// The module graph's import cycles, as `cycles` counts them.
    pub import_cycles: CycleCounts,
    pub diagnostics: Vec<crate::view::DiagnosticView>,
    pub timings_ms: Vec<(&'static str, f64)>,
}

#[derive(Serialize)]
pub struct ModuleCounts {
    pub internal: usize,
    pub namespace_packages: usize,
    pub external: usize,
}

#[derive(Serialize)]
pub struct EdgeCounts {
    pub direct: usize,
    /// Edges that exist only because Python runs a parent package's `__init__` first.
    pub implicit_parent_only: usize,
}

#[derive(Serialize)]
pub struct ResolutionCounts {
    pub definition: usize,
    pub module: usize,
    /// Names of the repository's extension modules (defined in compiled code).
    pub compiled: usize,
    pub external: usize,
    pub unresolved: usize,
    /// Sites whose re-export chain goes round in a circle.
    pub cycle: usize,
}

#[derive(Serialize)]
pub struct ChainCounts {
    /// Import sites that reach their definition through at least one re-export hop.
    pub sites_through_reexports: usize,
    pub longest: usize,
    /// `path:line` of the import site with the longest chain.
    pub longest_at: Option<String>,
}

pub fn compute(project: &Project) -> Stats {
    let started = Instant::now();
    let mut counts = ResolutionCounts {
        definition: 0,
        module: 0,
        compiled: 0,
        external: 0,
        unresolved: 0,
        cycle: 0,
    };
    let mut chains = ChainCounts {
        sites_through_reexports: 0,
        longest: 0,
        longest_at: None,
    };
    // What the snapshot knows of a site is what resolving it again would say (`load`
    // keeps it only when nothing it depends on changed).
    for site in 0..project.sites.len() {
        let known = project.known.outcomes.get(site).copied();
        let SiteOutcome { outcome, hops } =
            known.unwrap_or_else(|| every_site(project).outcomes[site]);
        match outcome {
            Outcome::Definition => counts.definition += 1,
            Outcome::Module => counts.module += 1,
            Outcome::Compiled => counts.compiled += 1,
            Outcome::External => counts.external += 1,
            Outcome::Unresolved => counts.unresolved += 1,
            Outcome::Cycle => counts.cycle += 1,
        }
        let reexports = hops as usize;
        if reexports > 0 {
            chains.sites_through_reexports += 1;
        }
        if reexports > chains.longest {
            chains.longest = reexports;
            let record = &project.sites[site];
            let line = project.import_site(site).position.line;
            chains.longest_at = Some(format!(
                "{}:{line}",
                project.files[record.file as usize].rel
            ));
        }
    }
    let resolve_time = started.elapsed();
    let started = Instant::now();
    let graph = graph::figures(project);
    let import_cycles = CycleCounts::of(graph.cycles.iter().map(|&(n, d)| (n as usize, d)));
    let cycles_time = started.elapsed();

    let internal = project.modules.iter().filter(|m| !m.external);
    let definitions: usize = (0..project.files.len())
        .map(|file| {
            let known = project.known.definitions.get(file).copied().flatten();
            known.unwrap_or_else(|| project.summary(file).definition_count()) as usize
        })
        .sum();
    let mut timings: Vec<(&'static str, f64)> = project
        .timings
        .iter()
        .map(|(phase, d)| (*phase, d.as_secs_f64() * 1e3))
        .collect();
    timings.push(("resolve", resolve_time.as_secs_f64() * 1e3));
    timings.push(("cycles", cycles_time.as_secs_f64() * 1e3));
    Stats {
        schema: "ssot-graph/stats/v1",
        root: project.root.display().to_string(),
        source_roots: project
            .source_roots
            .iter()
            .map(|r| if r.is_empty() { ".".into() } else { r.clone() })
            .collect(),
        files: project.files.len(),
        modules: ModuleCounts {
            internal: internal.clone().filter(|m| m.file.is_some()).count(),
            namespace_packages: internal.filter(|m| m.file.is_none()).count(),
            external: project.modules.iter().filter(|m| m.external).count(),
        },
        import_sites: project.sites.len(),
        edges: EdgeCounts {
            direct: graph.direct_edges as usize,
            implicit_parent_only: graph.implicit_edges as usize,
        },
        definitions,
        resolution: counts,
        reexport_chains: chains,
        import_cycles,
        diagnostics: crate::view::diagnostics(project),
        timings_ms: timings,
    }
}

pub fn text(out: &mut dyn Write, stats: &Stats) -> std::io::Result<()> {
    writeln!(out, "root          {}", stats.root)?;
    writeln!(out, "source roots  {}", stats.source_roots.join(", "))?;
    writeln!(out, "files         {}", stats.files)?;
    let m = &stats.modules;
    writeln!(
        out,
        "modules       {} internal ({} namespace packages), {} external",
        m.internal + m.namespace_packages,
        m.namespace_packages,
        m.external
    )?;
    writeln!(out, "import sites  {}", stats.import_sites)?;
    writeln!(
        out,
        "edges         {} direct, {} more through parent packages",
        stats.edges.direct, stats.edges.implicit_parent_only
    )?;
    writeln!(out, "definitions   {}", stats.definitions)?;
    let r = &stats.resolution;
    writeln!(
        out,
        "resolved      {} to definitions, {} to modules,{} {} external, {} unresolved, {} in \
         re-export cycles",
        r.definition,
        r.module,
        match r.compiled {
            0 => String::new(),
            n => format!(" {n} compiled,"),
        },
        r.external,
        r.unresolved,
        r.cycle
    )?;
    let c = &stats.reexport_chains;
    write!(
        out,
        "re-exports    {} sites reach a definition through re-exports",
        c.sites_through_reexports
    )?;
    match &c.longest_at {
        Some(at) => writeln!(out, "; longest chain {} hops ({at})", c.longest)?,
        None => writeln!(out)?,
    }
    writeln!(out, "cycles        {}", stats.import_cycles)?;
    writeln!(out, "diagnostics   {}", stats.diagnostics.len())?;
    for d in &stats.diagnostics {
        match d.line {
            0 => writeln!(out, "  {}: {}", d.path, d.message)?,
            line => writeln!(out, "  {}:{line}: {}", d.path, d.message)?,
        }
    }
    let timings: Vec<String> = stats
        .timings_ms
        .iter()
        .map(|(p, ms)| format!("{p} {ms:.0} ms"))
        .collect();
    writeln!(out, "time          {}", timings.join(", "))?;
    Ok(())
}

pub fn run(ctx: &super::Context, out: &mut dyn Write) -> anyhow::Result<i32> {
    ctx.emit(out, &compute(ctx.project), text)
}
