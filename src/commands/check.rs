//! `check [FILES...]` and `query NAME`: run the rules, drop suppressed and baselined
//! findings, and report the rest as text, JSON, SARIF or GitHub annotations.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::baseline::{Baseline, Entry};
use crate::cli::{CheckArgs, Format, QueryArgs};
use crate::commands::finding_formats;
use crate::commands::{Paint, count};
use crate::config::{AutoSeverity, Config};
use crate::discover::{self, FileDiagnostic};
use crate::files::{self, Strictness};
use crate::index::Project;
use crate::rules::evaluate::{Evaluator, Finding};
use crate::rules::{self, BROKEN_IMPORT, DEPRECATED_AUTO, Rule, STALE_STRING_TARGET, Severity};
use crate::staged;
use crate::suppress;
use crate::view;

pub struct Options<'a> {
    pub files: Vec<PathBuf>,
    /// Take FILES from the git index (staged Python files).
    pub staged: bool,
    pub baseline: Option<PathBuf>,
    pub update_baseline: bool,
    /// Skip FILES that are not the project's (outside the root, excluded) in silence.
    pub force_exclude: bool,
    /// `--since REV`: the commit's name and its findings, accepted in place of a baseline.
    pub since: Option<(String, Baseline)>,
    /// `git diff --cached --name-status`, started before the project was read; `None`
    /// outside a git repository.
    pub index_changes: Option<&'a staged::Running>,
    /// Report an import cycle in each file of it (see `Evaluator::every_cycle_link`).
    pub every_cycle_link: bool,
}

#[derive(Serialize)]
pub struct Check {
    pub schema: &'static str,
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Baseline entries that accept more findings than exist now: `count` is what is left.
    pub stale_baseline: Vec<Entry>,
    /// Set when `--update-baseline` wrote the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_written: Option<String>,
    /// With `--since REV`: the revision whose findings are not reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip)]
    pub rules: RuleList,
    #[serde(skip)]
    pub root: String,
    /// The problems reading or parsing the files in scope (SARIF's tool notifications).
    #[serde(skip)]
    pub unreadable: Vec<FileDiagnostic>,
    /// `query ID`: the one rule asked about.
    #[serde(skip)]
    pub query: Option<String>,
    /// The architecture contracts of a whole-repository check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contracts: Option<Contracts>,
}

#[derive(Clone, Copy, Serialize)]
pub struct Contracts {
    pub kept: usize,
    pub broken: usize,
}

#[derive(Serialize)]
pub struct Summary {
    /// Files the findings were looked for in (with FILES: those files and the modules
    /// the index deletes or renames).
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub fixable: usize,
    pub baselined: usize,
    pub suppressed: usize,
    /// Files among those that could not be parsed (each said on stderr): their findings
    /// may be incomplete, so the summary does not call them passed.
    pub unparsed: usize,
}

impl Check {
    /// Exit code: 1 when an error-severity finding is reported.
    pub fn code(&self) -> i32 {
        i32::from(self.summary.errors > 0)
    }
}

/// The architecture contracts among `rules`: how many are kept and how many broken (an
/// error reported against it); `None` without contracts.
fn contracts(rules: &RuleList, findings: &[Finding]) -> Option<Contracts> {
    let contracts: Vec<&str> = rules
        .iter()
        .filter(|(_, _, description)| {
            rules::CONTRACT_KINDS
                .iter()
                .any(|kind| description.starts_with(&format!("{kind} rule ")))
        })
        .map(|(id, _, _)| id.as_str())
        .collect();
    if contracts.is_empty() {
        return None;
    }
    let broken = contracts
        .iter()
        .filter(|id| {
            findings
                .iter()
                .any(|f| f.rule == **id && f.severity == Severity::Error)
        })
        .count();
    Some(Contracts {
        kept: contracts.len() - broken,
        broken,
    })
}

/// Every rule's findings over the whole repository, sorted, suppressions not applied.
type RuleList = Vec<(String, Severity, String)>;

/// Which rules a run evaluates.
#[derive(Clone, Copy, Debug)]
pub enum Only<'a> {
    Every,
    /// One saved rule or built-in, by id.
    Rule(&'a str),
    /// The saved `deprecated` rules: with `canonical` scopes, what the score counts.
    Deprecated,
}

impl Only<'_> {
    fn runs(&self, rule: &Rule) -> bool {
        match self {
            Only::Every => true,
            Only::Rule(name) => *name == rule.id(),
            Only::Deprecated => matches!(rule.kind, rules::RuleKind::Deprecated { .. }),
        }
    }

    fn runs_built_in(&self, id: &str) -> bool {
        match self {
            Only::Every => true,
            Only::Rule(name) => *name == id,
            Only::Deprecated => false,
        }
    }

    pub fn of(rule: Option<&str>) -> Only<'_> {
        rule.map_or(Only::Every, Only::Rule)
    }
}

/// Every rule's findings about the files `scope` (file indices) or the whole repository;
/// `removed`: the modules the change being checked deletes or renames away.
fn all_findings<'p>(
    project: &'p Project,
    config: &Config,
    only: Only,
    scope: Option<FxHashSet<usize>>,
    removed: &[String],
    every_cycle_link: bool,
) -> Result<(Vec<Finding>, RuleList, Evaluator<'p>)> {
    let rules = rules::load_configured(&project.root, config)?;
    if let Only::Rule(name) = only
        && name != DEPRECATED_AUTO
        && name != STALE_STRING_TARGET
        && !rules.iter().any(|r| r.id() == name)
    {
        let known: Vec<&str> = rules.iter().map(Rule::id).collect();
        let built_in = [DEPRECATED_AUTO, STALE_STRING_TARGET];
        bail!(
            "no rule `{name}` in {}/{} (rules: {}{})",
            config.queries_dir(),
            crate::suggest::did_you_mean(name, known.iter().copied().chain(built_in)),
            known.iter().map(|k| format!("{k}, ")).collect::<String>(),
            built_in.join(", ")
        );
    }
    let mut evaluator = Evaluator::new(project, scope);
    evaluator.removed = removed.to_vec();
    evaluator.every_cycle_link = every_cycle_link;
    let mut findings = Vec::new();
    let mut described = Vec::new();
    // Sites a saved `deprecated` rule reports: the built-in rule stays quiet about them.
    let mut deprecated_sites = FxHashSet::default();
    for rule in rules.iter().filter(|r| only.runs(r)) {
        let found = evaluator.run(rule)?;
        if let rules::RuleKind::Deprecated { .. } = rule.kind {
            deprecated_sites.extend(found.iter().filter_map(|f| f.site));
        }
        findings.extend(found);
        described.push((
            rule.id().to_string(),
            rule.severity(),
            format!("{} rule from {}", rule.kind_name(), rule.file.display()),
        ));
    }
    let auto = match config.deprecated_auto.unwrap_or(AutoSeverity::Warning) {
        AutoSeverity::Error => Some(Severity::Error),
        AutoSeverity::Warning => Some(Severity::Warning),
        AutoSeverity::Off => None,
    };
    if let Some(severity) = auto
        && only.runs_built_in(DEPRECATED_AUTO)
    {
        findings.extend(
            evaluator
                .deprecated_auto(severity)
                .into_iter()
                .filter(|f| f.site.is_none_or(|s| !deprecated_sites.contains(&s))),
        );
        described.push((
            DEPRECATED_AUTO.to_string(),
            severity,
            "imports of modules and names the code itself marks deprecated".to_string(),
        ));
    }
    if only.runs_built_in(STALE_STRING_TARGET) {
        findings.extend(evaluator.stale_string_targets(Severity::Warning));
        described.push((
            STALE_STRING_TARGET.to_string(),
            Severity::Warning,
            "mock.patch / import_module string targets that name nothing".to_string(),
        ));
    }
    crate::fix::mark_unrewritable(project, &mut findings);
    Ok((findings, described, evaluator))
}

fn sort(findings: &mut [Finding]) {
    // Stable order: by place, then rule and target.
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.col, &a.rule, &a.target)
            .cmp(&(&b.path, b.line, b.col, &b.rule, &b.target))
    });
}

fn say(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

pub fn compute(project: &Project, config: &Config, options: &Options) -> Result<Check> {
    // Said once the answer is known to stand (see `verify_reads`).
    let mut warnings = Vec::new();
    let mut renamed = Vec::new();
    let scope = scope(project, options, &mut warnings, &mut renamed)?;
    let checked = scope
        .as_ref()
        .map_or(project.files.len(), |(touched, deleted)| {
            touched.len() + deleted.len()
        });
    let in_scope: Vec<usize> = (0..project.files.len())
        .filter(|&f| {
            scope
                .as_ref()
                .is_none_or(|(touched, _)| touched.contains(project.files[f].rel.as_str()))
        })
        .collect();
    let scope_files = scope.as_ref().map(|_| in_scope.iter().copied().collect());
    let removed = scope.as_ref().map_or(&[][..], |(_, deleted)| &deleted[..]);
    let (mut findings, mut rules, mut evaluator) = all_findings(
        project,
        config,
        Only::Every,
        scope_files,
        removed,
        options.every_cycle_link,
    )?;
    if let Some((touched, deleted)) = &scope {
        findings.extend(evaluator.broken_imports(touched, deleted));
        rules.push((
            BROKEN_IMPORT.to_string(),
            Severity::Error,
            "imports that a changed or removed module leaves unresolved".to_string(),
        ));
    }
    sort(&mut findings);
    let mut known: Vec<&str> = rules.iter().map(|(id, _, _)| id.as_str()).collect();
    known.extend([DEPRECATED_AUTO, BROKEN_IMPORT, STALE_STRING_TARGET]);
    warnings.append(&mut evaluator.warnings);
    warnings.extend(suppress::unknown_ids(project, &in_scope, &known));
    let (unparsed, unreadable) = unparsed(project, scope.as_ref().map(|(touched, _)| touched));
    warnings.extend(unreadable.iter().map(unparsed_warning));
    let suppressed = suppress::apply(project, &mut findings);
    let deletes = scope
        .as_ref()
        .is_some_and(|(_, deleted)| !deleted.is_empty());
    // A staged deletion breaks imports anywhere: every site is looked at.
    let every_site = deletes || project.walked_every_site();
    verify_reads(
        project,
        &in_scope,
        deletes || evaluator.reads_every_file(),
        every_site,
    )?;
    say(&warnings);
    let baseline_path = match &options.baseline {
        Some(path) => path.clone(),
        None => project.root.join(config.baseline_path()),
    };
    let root = project.root.display().to_string();
    if options.update_baseline {
        // Findings that exist only because of the files at hand are not "existing".
        findings.retain(|f| f.rule != BROKEN_IMPORT);
        let baseline = match &scope {
            None => Baseline::of(&findings),
            Some((touched, _)) => {
                findings.retain(|f| touched.contains(&f.path));
                let known: FxHashSet<&str> = project.files.iter().map(|f| f.rel.as_str()).collect();
                Baseline::load(&baseline_path)?
                    .unwrap_or_default()
                    .replace_files(touched, &findings, |path| known.contains(path))
            }
        };
        baseline.save(&baseline_path)?;
        return Ok(Check {
            schema: "ssot-graph/check/v1",
            summary: Summary {
                files: checked,
                errors: 0,
                warnings: 0,
                fixable: 0,
                baselined: baseline.accepted(),
                suppressed,
                unparsed,
            },
            findings: Vec::new(),
            stale_baseline: Vec::new(),
            baseline_written: Some(baseline_path.display().to_string()),
            since: None,
            rules,
            root,
            unreadable,
            query: None,
            contracts: None,
        });
    }
    let from_file;
    let accepted = match &options.since {
        Some((_, at_since)) => Some(at_since),
        None => {
            // A renamed file keeps its accepted findings: a rename alone never blocks.
            from_file = Baseline::load(&baseline_path)?.map(|b| b.renamed(&renamed));
            from_file.as_ref()
        }
    };
    let (mut new, baselined, mut stale) = match accepted {
        Some(baseline) => baseline.apply(findings),
        None => (findings, 0, Vec::new()),
    };
    if options.since.is_some() {
        // What BASE had and HEAD fixed is not a stale baseline entry.
        stale.clear();
    }
    if let Some((touched, _)) = &scope {
        // Findings at a rule (the change removed what it names) stay with the breakage.
        let rules_dir = format!("{}/", config.queries_dir().trim_end_matches('/'));
        new.retain(|f| {
            f.rule == BROKEN_IMPORT || touched.contains(&f.path) || f.path.starts_with(&rules_dir)
        });
        stale.retain(|e| touched.contains(&e.path));
    }
    let summary = Summary {
        files: checked,
        errors: new.iter().filter(|f| f.severity == Severity::Error).count(),
        warnings: new
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
        fixable: new.iter().filter(|f| f.fixable).count(),
        baselined,
        suppressed,
        unparsed,
    };
    let contracts = match scope {
        None if checked > 0 && options.since.is_none() => contracts(&rules, &new),
        _ => None,
    };
    Ok(Check {
        schema: "ssot-graph/check/v1",
        contracts,
        findings: new,
        summary,
        stale_baseline: stale,
        baseline_written: None,
        since: options.since.as_ref().map(|(name, _)| name.clone()),
        rules,
        root,
        unreadable,
        query: None,
    })
}

/// With `check FILES`, files outside them were taken from the snapshot without being
/// compared with it: the answer stands only if each file it read (`every` file, when it
/// read the whole index) is still as stored, and it did not walk `every_site` when only
/// some were restored (`Project::partial`). Otherwise it is computed again ([`Recheck`]).
fn verify_reads(
    project: &Project,
    in_scope: &[usize],
    every: bool,
    every_site: bool,
) -> Result<()> {
    if every_site && project.partial {
        return Err(Recheck::NeedsEverySite.into());
    }
    let read: Vec<usize> = if every {
        (0..project.files.len()).collect()
    } else {
        let mut read = project.summaries.loaded();
        read.extend_from_slice(in_scope);
        read
    };
    let changed = project.summaries.changed_unseen(&read);
    if changed.is_empty() {
        return Ok(());
    }
    Err(Recheck::ReadChangedFiles(changed.len()).into())
}

/// `check FILES` must work out its answer again from every file.
#[derive(Debug)]
pub enum Recheck {
    /// It read files it had not compared with the snapshot, and some had changed.
    ReadChangedFiles(usize),
    /// It walked every site, and only some were restored.
    NeedsEverySite,
}

impl std::fmt::Display for Recheck {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Recheck::ReadChangedFiles(count) => {
                write!(
                    f,
                    "{count} file(s) the answer read changed since the snapshot"
                )
            }
            Recheck::NeedsEverySite => write!(f, "the answer reads every site"),
        }
    }
}

impl std::error::Error for Recheck {}

fn unparsed_warning(problem: &FileDiagnostic) -> String {
    format!("{}:{}: {}", problem.path, problem.line, incomplete(problem))
}

/// The problems reading the files in scope (every file when `touched` is `None`), with
/// how many files had one.
fn unparsed(
    project: &Project,
    touched: Option<&FxHashSet<String>>,
) -> (usize, Vec<FileDiagnostic>) {
    let problems: Vec<FileDiagnostic> = (project.diagnostics.iter())
        .filter(|problem| touched.is_none_or(|touched| touched.contains(&problem.path)))
        .cloned()
        .collect();
    let files: FxHashSet<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    (files.len(), problems)
}

/// What every output says of a file that could not be read or parsed.
fn incomplete(problem: &FileDiagnostic) -> String {
    format!("{} (findings there may be incomplete)", problem.message)
}

pub fn run(ctx: &super::Context, args: &CheckArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    let since = match &args.since {
        Some(rev) => {
            let (at, _) = crate::load::revision::at(project.root.clone(), ctx.config, rev)?;
            let (findings, _) = unsuppressed(&at, ctx.config, Only::Every)?;
            Some((rev.clone(), Baseline::of(&findings)))
        }
        None => None,
    };
    let options = Options {
        files: args.files.clone(),
        staged: args.staged,
        baseline: args.baseline.clone(),
        update_baseline: args.update_baseline,
        force_exclude: args.force_exclude || args.staged,
        since,
        index_changes: ctx.early.index_changes,
        every_cycle_link: false,
    };
    let check = compute(project, ctx.config, &options)?;
    write(out, ctx.format, &check, project, ctx.paint)?;
    Ok(check.code())
}

/// `query NAME`'s entry.
pub fn run_query(ctx: &super::Context, args: &QueryArgs, out: &mut dyn Write) -> Result<i32> {
    let check = query(ctx.project, ctx.config, &args.name)?;
    write(out, ctx.format, &check, ctx.project, ctx.paint)?;
    Ok(check.code())
}

/// `query NAME`: one rule's findings over the whole repository; the baseline is ignored.
pub fn query(project: &Project, config: &Config, name: &str) -> Result<Check> {
    let (mut findings, rules, evaluator) =
        all_findings(project, config, Only::Rule(name), None, &[], false)?;
    say(&evaluator.warnings);
    sort(&mut findings);
    let suppressed = suppress::apply(project, &mut findings);
    let (unparsed, unreadable) = unparsed(project, None);
    say(&unreadable.iter().map(unparsed_warning).collect::<Vec<_>>());
    Ok(Check {
        schema: "ssot-graph/check/v1",
        summary: Summary {
            files: project.files.len(),
            errors: findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            warnings: findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
            fixable: findings.iter().filter(|f| f.fixable).count(),
            baselined: 0,
            suppressed,
            unparsed,
        },
        findings,
        stale_baseline: Vec::new(),
        baseline_written: None,
        since: None,
        rules,
        root: project.root.display().to_string(),
        unreadable,
        query: Some(name.to_string()),
        contracts: None,
    })
}

/// Findings of the rules `only` selects, sorted, with suppressed ones removed: what `fix`
/// and `report` work from. The baseline is not applied. The evaluator that found them
/// comes along, its resolutions ready for more questions.
pub fn unsuppressed<'p>(
    project: &'p Project,
    config: &Config,
    only: Only,
) -> Result<(Vec<Finding>, Evaluator<'p>)> {
    unsuppressed_in(project, config, only, None)
}

/// `unsuppressed`, of the findings about the files `scope` (file indices) when given.
pub fn unsuppressed_in<'p>(
    project: &'p Project,
    config: &Config,
    only: Only,
    scope: Option<FxHashSet<usize>>,
) -> Result<(Vec<Finding>, Evaluator<'p>)> {
    let rels: Option<FxHashSet<String>> = scope.as_ref().map(|files| {
        files
            .iter()
            .map(|&f| project.files[f].rel.to_string())
            .collect()
    });
    let (mut findings, _, evaluator) = all_findings(project, config, only, scope, &[], false)?;
    if let Some(rels) = rels {
        findings.retain(|f| rels.contains(&f.path));
    }
    say(&evaluator.warnings);
    sort(&mut findings);
    suppress::apply(project, &mut findings);
    Ok((findings, evaluator))
}

/// With FILES (or `--staged`): the root-relative paths to report on, and the modules the
/// index deletes or renames away.
/// Also fills `renamed` with the files the index renames, as (old path, new path).
fn scope(
    project: &Project,
    options: &Options,
    warnings: &mut Vec<String>,
    renamed: &mut Vec<(String, String)>,
) -> Result<Option<(FxHashSet<String>, Vec<String>)>> {
    if options.files.is_empty() && !options.staged {
        return Ok(None);
    }
    let strictness = if options.force_exclude {
        Strictness::Hook
    } else {
        Strictness::User
    };
    let selection = files::select(project, &options.files, strictness)?;
    warnings.extend(selection.skipped);
    let mut touched = selection.rels;
    // pre-commit never passes deleted files: ask git which modules the commit removes
    // (and, with --staged, which files it adds or changes), in one look at the index.
    let mut deleted = Vec::new();
    // Outside a git repository there are none, and no git process was started to say so.
    let status = match (options.index_changes, options.staged) {
        (None, _) => return Ok(Some((touched, deleted))),
        (Some(changes), true) => changes.answer()?,
        (Some(changes), false) => changes.answer().unwrap_or_default(),
    };
    let known: FxHashSet<&str> = project.files.iter().map(|f| f.rel.as_str()).collect();
    for entry in crate::staged::name_status(status) {
        if entry.kind == 'R'
            && let Some(new) = &entry.new
        {
            renamed.push((entry.path.clone(), new.clone()));
        }
        if matches!(entry.kind, 'D' | 'R')
            && let Some(module) = discover::module_of_path(&entry.path, &project.source_roots)
        {
            deleted.push(module);
        }
        let added = entry.new.as_ref().unwrap_or(&entry.path);
        if options.staged
            && matches!(entry.kind, 'A' | 'C' | 'M' | 'R')
            && known.contains(added.as_str())
        {
            touched.insert(added.clone());
        }
    }
    Ok(Some((touched, deleted)))
}

pub fn write(
    out: &mut dyn Write,
    format: Format,
    check: &Check,
    project: &Project,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Text => text(out, check, paint)?,
        Format::Json => crate::commands::write_json(out, check, project)?,
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(check))?;
            writeln!(out)?;
        }
        Format::Github => github(out, check)?,
        Format::Concise => finding_formats::concise(out, &formats(check))?,
        Format::Full => finding_formats::full(out, &formats(check))?,
        Format::JsonLines => finding_formats::json_lines(out, &formats(check))?,
        Format::Gitlab => finding_formats::gitlab(out, &formats(check))?,
        Format::Junit => finding_formats::junit(out, &formats(check))?,
        other => bail!(
            "--format {}: check prints text, concise, full, json, json-lines, sarif, github, \
             gitlab or junit",
            other.name()
        ),
    }
    Ok(())
}

/// The columns a finding's text stays within in a terminal.
const TEXT_WIDTH: usize = 100;

/// `message` in lines of at most `TEXT_WIDTH` columns, broken between words: the first
/// after `first` columns already written, the others after an indent of four. A word
/// longer than a line gets one of its own.
fn wrap(message: &str, first: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut room = TEXT_WIDTH.saturating_sub(first);
    for word in message.split(' ') {
        let starts_message = lines.len() == 1 && lines[0].is_empty();
        let line = lines.last_mut().expect("one line at least");
        let width = word.chars().count();
        // A word that does not fit after the first line's head starts the next line.
        let fits = match line.is_empty() {
            true => width <= room,
            false => line.chars().count() + 1 + width <= room,
        };
        if !fits && (!line.is_empty() || starts_message) {
            lines.push(word.to_string());
            room = TEXT_WIDTH - 4;
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

fn is_built_in(id: &str) -> bool {
    [DEPRECATED_AUTO, BROKEN_IMPORT, STALE_STRING_TARGET].contains(&id)
}

fn formats(check: &Check) -> finding_formats::Check<'_> {
    finding_formats::Check {
        findings: &check.findings,
        errors: check.summary.errors,
        warnings: check.summary.warnings,
        root: &check.root,
    }
}

fn text(out: &mut dyn Write, check: &Check, paint: Paint) -> std::io::Result<()> {
    if let Some(path) = &check.baseline_written {
        writeln!(
            out,
            "wrote {path}: {} accepted",
            count(check.summary.baselined, "finding")
        )?;
        return Ok(());
    }
    for f in &check.findings {
        let fix = if f.fixable {
            format!(" {}", paint.cyan("[*]"))
        } else {
            String::new()
        };
        let rule = match f.severity {
            Severity::Error => paint.red(&f.rule),
            Severity::Warning => paint.yellow(&f.rule),
        };
        let place = format!("{}:{}:{}:", f.path, f.line, f.col);
        // Colour is not the only sign of a warning (a log, a pipe, NO_COLOR).
        let severity = match f.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let head = format!(
            "{place} {}{} {severity}",
            f.rule,
            if f.fixable { " [*]" } else { "" }
        );
        let mut lines = wrap(&f.message, head.chars().count()).into_iter();
        let first = format!(
            "{} {rule}{fix} {severity}{}",
            paint.bold(&place),
            lines.next().unwrap_or_default()
        );
        writeln!(out, "{}", first.trim_end())?;
        for line in lines {
            writeln!(out, "    {line}")?;
        }
        // The chain one module a line: a chain of long module names stays readable.
        for (hop, module) in f.chain.iter().enumerate() {
            let lead = if hop == 0 { "    via " } else { "      → " };
            writeln!(out, "{}", paint.dim(&format!("{lead}{module}")))?;
        }
    }
    let s = &check.summary;
    if !check.findings.is_empty() {
        writeln!(out)?;
    }
    let mut extra = Vec::new();
    match &check.since {
        Some(since) if s.baselined > 0 => {
            extra.push(format!("{} already at {since}", s.baselined));
        }
        None if s.baselined > 0 => {
            extra.push(format!("{} accepted by the baseline", s.baselined));
        }
        _ => {}
    }
    if s.suppressed > 0 {
        extra.push(format!("{} suppressed", s.suppressed));
    }
    let extras = extra.clone();
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    let unparsed = match s.unparsed {
        0 => String::new(),
        1 => "; 1 file could not be parsed and was not fully checked (see above)".to_string(),
        n => format!("; {n} files could not be parsed and were not fully checked (see above)"),
    };
    let built_in = check
        .rules
        .iter()
        .filter(|(id, _, _)| is_built_in(id))
        .count();
    let configured = check.rules.len() - built_in;
    if configured == 0 && check.query.is_none() {
        writeln!(
            out,
            "No rules configured: only the {} ran.",
            count(built_in, "built-in rule")
        )?;
    }
    let ran = match configured {
        0 => count(built_in, "built-in rule"),
        n => format!(
            "{} and {}",
            count(n, "rule"),
            count(built_in, "built-in rule")
        ),
    };
    if s.files == 0 {
        writeln!(out, "No Python files checked.")?;
    } else if let Some(id) = check.query.as_ref().filter(|_| check.findings.is_empty()) {
        writeln!(out, "No findings for `{id}`{extra}{unparsed}.")?;
    } else if check.findings.is_empty() && s.unparsed == 0 {
        let said: Vec<&str> = std::iter::once(ran.as_str())
            .chain(extras.iter().map(String::as_str))
            .collect();
        writeln!(out, "All checks passed ({}).", said.join("; "))?;
    } else if check.findings.is_empty() {
        writeln!(out, "No findings{extra}{unparsed}.")?;
    } else {
        writeln!(
            out,
            "Found {} and {}{extra}{unparsed}.",
            count(s.errors, "error"),
            count(s.warnings, "warning")
        )?;
    }
    if let Some(Contracts { kept, broken }) = check.contracts {
        writeln!(out, "Contracts: {kept} kept, {broken} broken.")?;
    }
    if s.fixable > 0 {
        writeln!(out, "[*] {} fixable with `ssot-graph fix`.", s.fixable)?;
    }
    if !check.stale_baseline.is_empty() {
        let fixed: usize = check.stale_baseline.len();
        writeln!(
            out,
            "{} of the baseline now accept fewer findings (fixed): run `ssot-graph check \
             --update-baseline` to shrink it.",
            count(fixed, "entry")
        )?;
    }
    Ok(())
}

/// GitHub workflow commands: at most 10 annotations per severity (GitHub's limit per
/// step), then one summary line.
fn github(out: &mut dyn Write, check: &Check) -> std::io::Result<()> {
    let escape = |text: &str| {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |text: &str| escape(text).replace(':', "%3A").replace(',', "%2C");
    for severity in [Severity::Error, Severity::Warning] {
        let level = severity.as_str();
        for f in check
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .take(10)
        {
            let mut message = f.message.clone();
            if !f.chain.is_empty() {
                message.push_str(&format!("\nvia {}", view::arrows(&f.chain)));
            }
            writeln!(
                out,
                "::{level} file={},line={},col={},title={}::{}",
                property(&f.path),
                f.line,
                f.col,
                property(&f.rule),
                escape(&message)
            )?;
        }
    }
    for problem in check.unreadable.iter().take(10) {
        writeln!(
            out,
            "::warning file={},line={},title=not parsed::{}",
            property(&problem.path),
            problem.line.max(1),
            escape(&incomplete(problem))
        )?;
    }
    let s = &check.summary;
    let shown = |n: usize| if n > 10 { " (10 shown)" } else { "" };
    let unparsed = match s.unparsed {
        0 => String::new(),
        n => format!(", {} not parsed", count(n, "file")),
    };
    writeln!(
        out,
        "ssot-graph: {}{}, {}{}{unparsed}",
        count(s.errors, "error"),
        shown(s.errors),
        count(s.warnings, "warning"),
        shown(s.warnings)
    )
}

/// `path` as the path of a URI (RFC 3986): every byte but unreserved ones and `/`
/// percent-encoded, so a space or a non-ASCII name is a valid SARIF `uri`.
fn uri_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// SARIF 2.1.0, as GitHub code scanning reads it.
fn sarif(check: &Check) -> serde_json::Value {
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let rules: Vec<serde_json::Value> = check
        .rules
        .iter()
        .map(|(id, severity, description)| {
            serde_json::json!({
                "id": id,
                "shortDescription": {"text": description},
                "defaultConfiguration": {"level": level(*severity)},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = check
        .findings
        .iter()
        .zip(finding_formats::stable_keys(&check.findings))
        .map(|(f, key)| {
            let mut text = f.message.clone();
            if !f.chain.is_empty() {
                text.push_str(&format!(" (via {})", view::arrows(&f.chain)));
            }
            let mut result = serde_json::json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_path(&f.path), "uriBaseId": "SRCROOT"},
                        "region": {"startLine": f.line.max(1), "startColumn": f.col.max(1)},
                    }
                }],
                "partialFingerprints": {
                    "ssotGraphFinding/v1": key,
                },
            });
            if let Some(index) = check.rules.iter().position(|(id, _, _)| *id == f.rule) {
                result["ruleIndex"] = serde_json::json!(index);
            }
            result
        })
        .collect();
    // A file that could not be parsed was not fully checked: said, not silently passed.
    let notifications: Vec<serde_json::Value> = (check.unreadable.iter())
        .map(|problem| {
            serde_json::json!({
                "level": "warning",
                "message": {"text": incomplete(problem)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_path(&problem.path), "uriBaseId": "SRCROOT"},
                        "region": {"startLine": problem.line.max(1)},
                    }
                }],
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ssot-graph",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": format!("file://{}/", uri_path(&check.root))}},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn sarif_uris_percent_encode_spaces_and_non_ascii_names() {
        assert_eq!(super::uri_path("pkg/mod.py"), "pkg/mod.py");
        assert_eq!(
            super::uri_path("pkg/dir with space/ünïcode.py"),
            "pkg/dir%20with%20space/%C3%BCn%C3%AFcode.py"
        );
        assert_eq!(super::uri_path("a#b?c%d.py"), "a%23b%3Fc%25d.py");
    }
}
