//! `check`'s findings in the formats ruff spells the same way: `concise`, `full`,
//! `json-lines`, `gitlab` (GitLab Code Quality) and `junit`.

/// What the formats print: the findings, their counts, and the root their paths are
/// relative to.
pub struct Check<'a> {
    pub findings: &'a [Finding],
    pub errors: usize,
    pub warnings: usize,
    pub root: &'a str,
}

use std::collections::BTreeMap;
use std::io::Write;

use crate::rules::Severity;
use crate::rules::evaluate::Finding;
use crate::view;

/// One line per finding, no `via` lines.
pub fn concise(out: &mut dyn Write, check: &Check) -> std::io::Result<()> {
    for f in check.findings {
        writeln!(out, "{}", headline(f))?;
    }
    summary(out, check)
}

/// `path:line:col: rule [*] message`.
fn headline(f: &Finding) -> String {
    let fix = if f.fixable { " [*]" } else { "" };
    format!(
        "{}:{}:{}: {}{fix} {}",
        f.path, f.line, f.col, f.rule, f.message
    )
}

/// Each finding with its source line, a caret under the import, and the chain.
pub fn full(out: &mut dyn Write, check: &Check) -> std::io::Result<()> {
    let root = std::path::Path::new(check.root);
    let mut sources: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for f in check.findings {
        writeln!(out, "{}", headline(f))?;
        let source = sources
            .entry(&f.path)
            .or_insert_with(|| std::fs::read_to_string(root.join(&f.path)).ok());
        let line = source
            .as_deref()
            .and_then(|s| s.lines().nth(f.line.saturating_sub(1) as usize));
        if let Some(line) = line {
            let number = f.line.to_string();
            let gutter = " ".repeat(number.len());
            let start = f.col.saturating_sub(1) as usize;
            let text = line.trim_end();
            let width = text.chars().count().saturating_sub(start).max(1);
            writeln!(out, "{gutter} |")?;
            writeln!(out, "{number} | {text}")?;
            writeln!(
                out,
                "{gutter} | {}{} {}",
                " ".repeat(start),
                "^".repeat(width),
                f.rule
            )?;
            writeln!(out, "{gutter} |")?;
            if !f.chain.is_empty() {
                writeln!(out, "{gutter} = via {}", view::arrows(&f.chain))?;
            }
        } else if !f.chain.is_empty() {
            writeln!(out, "  = via {}", view::arrows(&f.chain))?;
        }
        writeln!(out)?;
    }
    summary(out, check)
}

fn summary(out: &mut dyn Write, check: &Check) -> std::io::Result<()> {
    match check.findings.is_empty() {
        true => writeln!(out, "All checks passed."),
        false => writeln!(
            out,
            "Found {} and {}.",
            view::count(check.errors, "error"),
            view::count(check.warnings, "warning")
        ),
    }
}

/// One JSON object per finding, one per line.
pub fn json_lines(out: &mut dyn Write, check: &Check) -> anyhow::Result<()> {
    for f in check.findings {
        serde_json::to_writer(&mut *out, f)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Each finding's key that does not move with line numbers: the n-th finding of one
/// rule, file and target (SARIF's `partialFingerprints`; hashed, GitLab's `fingerprint`).
pub fn stable_keys(findings: &[Finding]) -> Vec<String> {
    let mut seen: std::collections::HashMap<(&str, &str, &str), usize> = Default::default();
    findings
        .iter()
        .map(|f| {
            let n = seen
                .entry((&f.rule, &f.path, &f.target))
                .and_modify(|n| *n += 1)
                .or_insert(0);
            format!("{}|{}|{}|{n}", f.rule, f.path, f.target)
        })
        .collect()
}

fn fingerprints(findings: &[Finding]) -> Vec<String> {
    stable_keys(findings)
        .iter()
        .map(|key| format!("{:016x}", crate::fingerprint::content_hash(key.as_bytes())))
        .collect()
}

/// GitLab's Code Quality report: an array of issues (description, check_name,
/// fingerprint, severity, location.path and location.lines.begin).
pub fn gitlab(out: &mut dyn Write, check: &Check) -> anyhow::Result<()> {
    let issues: Vec<serde_json::Value> = check
        .findings
        .iter()
        .zip(fingerprints(check.findings))
        .map(|(f, fingerprint)| {
            let mut description = format!("{}: {}", f.rule, f.message);
            if !f.chain.is_empty() {
                description.push_str(&format!(" (via {})", view::arrows(&f.chain)));
            }
            serde_json::json!({
                "description": description,
                "check_name": f.rule,
                "fingerprint": fingerprint,
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {"path": f.path, "lines": {"begin": f.line.max(1)}},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)?;
    Ok(())
}

fn xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 has no way to write other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// JUnit XML: one test case per file with findings (its failure lists them), or one
/// passing case when there are none.
pub fn junit(out: &mut dyn Write, check: &Check) -> std::io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in check.findings {
        by_file.entry(&f.path).or_default().push(f);
    }
    let cases = by_file.len().max(1);
    let failures = by_file.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="ssot-graph" tests="{cases}" failures="{failures}" errors="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="ssot-graph" tests="{cases}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    if by_file.is_empty() {
        writeln!(
            out,
            r#"    <testcase name="ssot-graph check" classname="ssot-graph"/>"#
        )?;
    }
    for (path, findings) in &by_file {
        writeln!(
            out,
            r#"    <testcase name="{}" classname="ssot-graph">"#,
            xml(path)
        )?;
        let lines: Vec<String> = findings
            .iter()
            .map(|f| format!("{}:{}:{}: {} {}", f.path, f.line, f.col, f.rule, f.message))
            .collect();
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            xml(&view::count(findings.len(), "finding")),
            xml(&findings[0].rule),
            xml(&lines.join("\n"))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
