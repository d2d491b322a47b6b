//! `report --format html`: the dashboard a team lead shares. One self-contained page:
//! the score and (with `--history`) its trend first, then each protected symbol's
//! progress, the files and owners with the most work left, deprecated layers,
//! duplicates, and the chain drawings at their own size.

use std::fmt::Write as _;

use crate::commands::count;
use crate::commands::history::{History, Point};
use crate::commands::report::{self, Report};
use crate::commands::table::escape;
use crate::git::Commit;

const COLORS: [&str; 6] = [
    "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828",
];

/// Writes the report as Markdown, JSON or this HTML dashboard (with the history's
/// line chart when there is one).
pub fn write(
    out: &mut dyn std::io::Write,
    format: crate::cli::Format,
    report: &Report,
    trend: Option<&History>,
    project: &crate::index::Project,
) -> anyhow::Result<()> {
    use crate::cli::Format;
    match format {
        Format::Json => crate::commands::write_json(out, report, project)?,
        Format::Html => {
            // With a trend, the headline says which tree it is of.
            let working = trend.and_then(|_| WorkingTree::of(&project.root, project.files.len()));
            out.write_all(html(report, trend, working.as_ref()).as_bytes())?
        }
        Format::Text | Format::Md => out.write_all(report::markdown(report).as_bytes())?,
        other => anyhow::bail!("--format {}: report is md, json or html", other.name()),
    }
    Ok(())
}

/// What the headline's figures were computed from: the working tree, which is its HEAD
/// commit or has changes not yet committed.
pub struct WorkingTree {
    pub head: Option<Commit>,
    pub uncommitted: bool,
    /// Python files it holds.
    pub files: usize,
}

impl WorkingTree {
    /// The working tree of the repository at `root` (`None` outside one).
    fn of(root: &std::path::Path, files: usize) -> Option<WorkingTree> {
        let repository = crate::git::Repository::open(root).ok()?;
        let head = repository.commit("HEAD").ok();
        // Only what the figures read: sources and settings.
        let changed = crate::staged::git(
            root,
            &["status", "--porcelain", "--", "*.py", "*.pyi", "*.toml"],
            None,
        )
        .ok()?;
        Some(WorkingTree {
            head,
            uncommitted: changed.iter().any(|line| !line.trim().is_empty()),
            files,
        })
    }

    fn label(&self) -> String {
        match (&self.head, self.uncommitted) {
            (_, true) => "working tree (uncommitted)".to_string(),
            (Some(head), false) => format!("working tree at {}", head.short),
            (None, false) => "working tree".to_string(),
        }
    }
}

pub fn html(report: &Report, trend: Option<&History>, working: Option<&WorkingTree>) -> String {
    let mut body = String::new();
    let s = &report.score;
    let (score, what) = match s.governed {
        0 => (
            "–".to_string(),
            "SSOT compliance<br>nothing governed yet: no canonical or deprecated rule reaches an \
             import site"
                .to_string(),
        ),
        _ => (
            format!("{:.1}%", s.percent),
            format!(
                "SSOT compliance<br>{} of {} governed import sites",
                s.compliant, s.governed
            ),
        ),
    };
    let what = match working {
        Some(working) => format!("{what}<br><b>{}</b>", escape(&working.label())),
        None => what,
    };
    let _ = write!(
        body,
        "<header><h1>SSOT report</h1><div class=\"headline\"><div class=\"score\">{score}</div>\
         <div class=\"what\">{what}</div></div>"
    );
    if let Some(history) = trend.filter(|h| !h.points.is_empty()) {
        // Uncommitted changes on top of the range's last commit: one more point, theirs.
        let last = history.points.last().map(|p| p.commit.id.as_str());
        let extra = working
            .filter(|w| w.uncommitted && w.head.as_ref().map(|h| h.id.as_str()) == last)
            .map(|w| Point {
                commit: Commit {
                    id: String::new(),
                    short: "(uncommitted)".to_string(),
                    date: "working tree".to_string(),
                    subject: w.label(),
                },
                error: None,
                figures: Some(super::history::figures(report, w.files)),
            });
        body.push_str(&chart(history, extra));
    }
    let _ = write!(
        body,
        "<p class=\"definition\">{}</p></header>",
        crate::view::inline_markdown(report.definition)
    );

    body.push_str("<h2>Protected symbols</h2>");
    if report.canonical.is_empty() {
        body.push_str("<p>No <code>canonical</code> rules.</p>");
    }
    for p in &report.canonical {
        let _ = write!(
            body,
            "<section class=\"symbol\"><h3><code>{}</code> <span class=\"rule\">{}</span></h3>\
             {}<p>{} in {}; {} still on a non-canonical path</p>{}",
            escape(&p.symbol),
            escape(&p.rule),
            bar(
                p.percent,
                &format!(
                    "{:.1}% · {} of {} import sites on <code>{}</code>",
                    p.percent,
                    p.canonical_sites,
                    p.sites,
                    escape(&p.canonical)
                )
            ),
            count(p.references, "reference"),
            count(p.reference_files, "file"),
            p.off_canonical_references,
            report::paths_table(p).html(),
        );
        if let Some((_, svg)) = report
            .drawings
            .iter()
            .find(|(symbol, _)| *symbol == p.symbol)
        {
            let svg = svg.find("<svg").map_or(svg.as_str(), |at| &svg[at..]);
            let _ = write!(body, "<div class=\"drawing\">{svg}</div>");
        }
        body.push_str("</section>");
    }

    if !report.files_to_migrate.is_empty() {
        body.push_str(
            "<h2>Files with most remaining references</h2><p>Imports on a non-canonical path \
             or through a deprecated layer, and the uses that follow them.</p>",
        );
        body.push_str(&report::files_table(&report.files_to_migrate).html());
    }
    if let Some(work) = &report.owners {
        let _ = write!(
            body,
            "<h2>Remaining work by owner</h2><p>From <code>{}</code>.</p>{}",
            escape(&work.file),
            report::owners_table(work).html()
        );
    }

    body.push_str("<h2>Deprecated layers</h2>");
    if report.deprecated.is_empty() {
        body.push_str("<p>No <code>deprecated</code> rules.</p>");
    } else {
        body.push_str(&report::deprecated_table(&report.deprecated).html());
    }

    let d = &report.duplicates;
    let _ = write!(
        body,
        "<h2>Duplicates</h2><p>{} with more than one definition ({}).</p>",
        count(d.names, "class or function name"),
        count(d.definitions, "definition")
    );
    if !d.top.is_empty() {
        body.push_str(&report::duplicates_table(d).html());
    }
    if let Some(matrix) = &report.matrix {
        let _ = write!(
            body,
            "<h2>Dependencies between packages</h2><p>How many import sites of each package \
             (row) name each other package (column); the legend beneath says what the colours \
             mean.</p><div class=\"drawing\">{matrix}</div>"
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SSOT report</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
}

const STYLE: &str = "\
body{font-family:Helvetica,Arial,sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem;color:#222}\
header{border-bottom:1px solid #ddd;margin-bottom:1.5rem}\
.headline{display:flex;align-items:center;gap:1rem}.score{font-size:3rem;font-weight:bold;color:#1565c0}\
.what{color:#444}.definition{color:#555;font-size:.85rem;max-width:60rem}\
h3 .rule{font-weight:normal;color:#666;font-size:.9rem}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}\
tr.canonical{background:#e8f5e9}\
.bar{position:relative;background:#eceff1;border-radius:4px;height:1.6rem;max-width:40rem}\
.bar .fill{background:#66bb6a;height:100%;border-radius:4px}\
.bar span{position:absolute;left:.6rem;top:.25rem;font-size:.9rem}\
.spark{width:12rem}.spark div{background:#ffa726;height:.8rem;border-radius:2px}\
.drawing{overflow-x:auto;margin-bottom:1rem}.drawing svg{max-width:none;height:auto}\
.trend{margin:.5rem 0}.trend text{font-size:12px;fill:#444}";

fn bar(percent: f64, label: &str) -> String {
    format!(
        "<div class=\"bar\"><div class=\"fill\" style=\"width:{:.1}%\"></div><span>{label}</span></div>",
        percent.clamp(0.0, 100.0)
    )
}

/// The score and each protected symbol's share at each sampled commit, as an SVG line
/// chart; a commit without figures breaks the lines.
/// The score's and each symbol's share over the sampled commits, and the working tree's
/// uncommitted changes as a last, hollow point when there are any.
fn chart(history: &History, working: Option<Point>) -> String {
    let (width, height) = (760.0, 250.0);
    let (left, right, top, bottom) = (44.0, 40.0, 12.0, 64.0);
    let points: Vec<&Point> = history.points.iter().chain(working.as_ref()).collect();
    let n = points.len();
    let x = |i: usize| {
        if n == 1 {
            left + (width - left - right) / 2.0
        } else {
            left + i as f64 * (width - left - right) / (n - 1) as f64
        }
    };
    let y = |percent: f64| top + (100.0 - percent) / 100.0 * (height - top - bottom);
    let mut svg = format!(
        "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"SSOT compliance over {}\">",
        escape(&history.range)
    );
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e0e0e0\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}%</text>",
            width - right,
            left - 6.0,
            y(tick) + 4.0,
            y = y(tick)
        );
    }
    let labels = n.min(6);
    for k in 0..labels {
        let i = if labels == 1 {
            0
        } else {
            k * (n - 1) / (labels - 1)
        };
        let c = &points[i].commit;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(i),
            height - bottom + 16.0,
            escape(&c.date),
            x(i),
            height - bottom + 30.0,
            escape(&c.short)
        );
    }
    let mut series: Vec<(String, Vec<Option<f64>>)> = vec![(
        "SSOT score".to_string(),
        points
            .iter()
            .map(|p| p.figures.as_ref().map(|f| f.score.percent))
            .collect(),
    )];
    for point in &points {
        for share in point.figures.iter().flat_map(|f| &f.symbols) {
            if !series.iter().any(|(name, _)| *name == share.symbol) {
                let values = points
                    .iter()
                    .map(|p| {
                        p.figures.as_ref().and_then(|f| {
                            f.symbols
                                .iter()
                                .find(|s| s.symbol == share.symbol)
                                .map(|s| s.percent)
                        })
                    })
                    .collect();
                series.push((share.symbol.clone(), values));
            }
        }
    }
    let mut legend_x = left;
    for (number, (name, values)) in series.iter().enumerate() {
        let color = COLORS[number % COLORS.len()];
        let stroke = if number == 0 { 3.0 } else { 2.0 };
        let mut path = String::new();
        let mut open = false;
        for (i, value) in values.iter().enumerate() {
            match value {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if open { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
                    open = true;
                }
                None => open = false,
            }
        }
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke}\"/>",
            path.trim_end()
        );
        for (i, value) in values.iter().enumerate() {
            if let Some(v) = value {
                let c = &points[i].commit;
                let _ = write!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{}\" stroke=\"{color}\" stroke-width=\"2\"><title>{} {} {}: {v:.1}% ({})</title></circle>",
                    x(i),
                    y(*v),
                    if number == 0 { 3.5 } else { 2.5 },
                    // The working tree's point is hollow: no commit holds it yet.
                    if c.id.is_empty() { "#ffffff" } else { color },
                    escape(&c.date),
                    escape(&c.short),
                    escape(&c.subject),
                    escape(name)
                );
            }
        }
        let short = name.rsplit('.').next().unwrap_or(name);
        let _ = write!(
            svg,
            "<rect x=\"{legend_x:.1}\" y=\"{}\" width=\"12\" height=\"4\" fill=\"{color}\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>",
            height - 14.0,
            legend_x + 16.0,
            height - 9.0,
            escape(short)
        );
        legend_x += 28.0 + 7.0 * short.len() as f64;
    }
    let first = &history.points[0].commit;
    let last = &history.points[history.points.len() - 1].commit;
    let _ = write!(
        svg,
        "</svg><p class=\"definition\">{} sampled of {} in {} ({} → {}).</p>",
        count(history.points.len(), "commit"),
        history.commits,
        escape(&history.range),
        escape(&first.date),
        escape(&last.date)
    );
    svg
}

/// `report`'s entry, on the working tree (with `--history`, the trend below it).
pub fn run(
    ctx: &super::Context,
    args: &crate::cli::ReportArgs,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<i32> {
    let project = ctx.project;
    let drawings = ctx.format == crate::cli::Format::Html;
    let report =
        super::report::compute(project, ctx.config, super::report::Depth::Full { drawings })?;
    let trend = match &args.history {
        Some(range) => Some(super::history::compute(
            &project.root,
            ctx.config,
            range,
            super::history::Sampling::of(args),
            ctx.verbose,
        )?),
        None => None,
    };
    write(out, ctx.format, &report, trend.as_ref(), project)?;
    Ok(0)
}
