//! A planned move judged before anything is written: the project is indexed again with
//! the new texts, and every module that can see the change must bind each name to the
//! same definition as before (the moved ones at their new home), with no new cycle of
//! imports run at import time.

use petgraph::Direction;
use rustc_hash::FxHashSet;

use crate::discover::SourceFile;
use crate::fix::FileFix;
use crate::graph::{EdgeFilter, Graph};
use crate::index::{ModuleId, Project};
use crate::parse;
use crate::resolve::{Resolution, Resolver};
use crate::summaries::Summaries;

/// What the check needs to know of the move.
pub struct Moving<'a> {
    pub old: &'a str,
    pub dest: &'a str,
    pub names: &'a [&'a str],
    /// The old module keeps no binding of the moved names (`--shim none`).
    pub unbound_in_old: bool,
    /// Imports the old module no longer makes: only the moved code read them.
    pub dropped: &'a [String],
}

/// The project as it would be after the changes (`created` are new files, `removed`
/// files the change deletes).
pub fn after(
    project: &Project,
    target: &parse::Target,
    changes: &[FileFix],
    created: &[SourceFile],
    removed: &[String],
) -> Result<Project, String> {
    for change in changes {
        let text = change.new.strip_prefix('\u{feff}').unwrap_or(&change.new);
        if let Some((line, error)) = parse::syntax_error(text, change.path.ends_with(".pyi")) {
            return Err(format!(
                "{}: the new text would not parse (line {line}: {error})",
                change.path
            ));
        }
    }
    let summary_of = |file: &SourceFile| {
        changes.iter().find(|c| file.rel == c.path).map(|change| {
            let text = change.new.strip_prefix('\u{feff}').unwrap_or(&change.new);
            parse::summarize(text, file.is_stub, target, parse::Detail::FULL)
        })
    };
    let companions = project
        .files
        .iter()
        .position(|f| f.companion)
        .unwrap_or(project.files.len());
    let removed: rustc_hash::FxHashSet<&str> = removed.iter().map(String::as_str).collect();
    let mut files = Vec::new();
    let mut summaries = Vec::new();
    // Companions come after every module's file, as a walk lists them.
    let add_created = |companion: bool, files: &mut Vec<SourceFile>, summaries: &mut Vec<_>| {
        for new in created.iter().filter(|f| f.companion == companion) {
            summaries.push(summary_of(new).unwrap_or_default());
            files.push(new.clone());
        }
    };
    for (index, file) in project.files.iter().enumerate() {
        if index == companions {
            add_created(false, &mut files, &mut summaries);
        }
        if removed.contains(&*file.rel) {
            continue;
        }
        summaries.push(summary_of(file).unwrap_or_else(|| project.summary(index).clone()));
        files.push(file.clone());
    }
    if companions == project.files.len() {
        add_created(false, &mut files, &mut summaries);
    }
    add_created(true, &mut files, &mut summaries);
    let mut after = Project::build(
        project.root.clone(),
        project.source_roots.clone(),
        files,
        Summaries::parsed(summaries),
        Vec::new(),
    );
    after.environment = project.environment.clone();
    Ok(after)
}

/// The first name some module would bind to another thing after the move, as a
/// sentence; or the import-time cycle the move would close.
pub fn check(
    before: &Project,
    after: &Project,
    touched: &[String],
    moving: &Moving,
) -> Result<(), String> {
    new_cycle(before, after, touched)?;
    let touched_ids: Vec<ModuleId> = touched.iter().filter_map(|m| before.internal(m)).collect();
    let graph = Graph::new(before, EdgeFilter::default());
    let mut seen: FxHashSet<ModuleId> = touched_ids.iter().copied().collect();
    seen.extend(
        graph
            .reach(&touched_ids, Direction::Incoming)
            .into_iter()
            .map(|chain| chain[0]),
    );
    let mut modules: Vec<ModuleId> = seen.into_iter().collect();
    modules.sort_by_key(|&m| before.name_rank(m));
    let mut was = Resolver::new(before);
    let mut now = Resolver::new(after);
    for module in modules {
        let name = &before.modules[module as usize].name;
        let Some(later) = after.internal(name) else {
            return Err(format!("module `{name}` would be gone"));
        };
        let mut bound: Vec<&str> = before.names(module).keys().collect();
        bound.sort_unstable();
        for binding in bound {
            let unbound = (moving.unbound_in_old && moving.names.contains(&binding))
                || moving.dropped.iter().any(|d| d == binding);
            if unbound && name == moving.old {
                continue;
            }
            let old = describe(before, &was.resolve_name(module, binding), Some(moving));
            let new = describe(after, &now.resolve_name(later, binding), None);
            if old != new {
                return Err(format!(
                    "`{name}.{binding}` would be {new} instead of {old}"
                ));
            }
        }
    }
    Ok(())
}

/// A resolution in words that do not depend on the project's numbering; with `moving`,
/// a moved definition is named at its new home.
fn describe(project: &Project, resolution: &Resolution, moving: Option<&Moving>) -> String {
    let module_name = |m: ModuleId| project.modules[m as usize].name.as_str();
    match resolution {
        Resolution::Definition { module, binding } => {
            let found = crate::view::binding(project, *module, *binding);
            let mut home = module_name(*module);
            if let Some(moving) = moving
                && home == moving.old
                && moving.names.contains(&found.name.as_str())
            {
                home = moving.dest;
            }
            // A value's statement may read names the move rewrote (`A = new.f()`): what
            // must stay is that it is a value defined there.
            match found.kind {
                crate::summary::BindingKind::Class | crate::summary::BindingKind::Function => {
                    format!("`{home}.{}` ({})", found.name, found.statement)
                }
                _ => format!("`{home}.{}` (a value)", found.name),
            }
        }
        Resolution::Member { module, member } => {
            let summary = project.module_summary(*module);
            let member = summary.map(|s| &s.members[*member as usize]);
            let class = member
                .zip(summary)
                .map(|(m, s)| s.bindings[m.class as usize].name.as_str());
            format!(
                "member `{}.{}.{}`",
                module_name(*module),
                class.unwrap_or("?"),
                member.map_or("?", |m| m.name.as_str())
            )
        }
        Resolution::Module(m) => format!("module `{}`", module_name(*m)),
        Resolution::Compiled { module, name } => {
            format!("compiled `{}.{name}`", module_name(*module))
        }
        Resolution::External { module, name } => match name {
            Some(name) => format!("external `{module}.{name}`"),
            None => format!("external `{module}`"),
        },
        Resolution::Unresolved(_) => "unbound".to_string(),
        Resolution::Cycle => "a cycle".to_string(),
    }
}

/// An edge a touched module imports at import time after the move, not before, that
/// closes a cycle: `a → b → … → a`.
fn new_cycle(before: &Project, after: &Project, touched: &[String]) -> Result<(), String> {
    let filter = EdgeFilter {
        parents: true,
        ..EdgeFilter::default()
    };
    let was = Graph::new(before, filter);
    let now = Graph::new(after, filter);
    let names = |project: &Project, ids: Vec<ModuleId>| -> FxHashSet<String> {
        ids.into_iter()
            .map(|m| project.modules[m as usize].name.to_string())
            .collect()
    };
    for module in touched {
        let Some(id) = after.internal(module) else {
            continue;
        };
        let earlier = before
            .internal(module)
            .map(|m| names(before, was.imported_during_import(m)))
            .unwrap_or_default();
        for imported in now.imported_during_import(id) {
            let imported_name = &after.modules[imported as usize].name;
            if earlier.contains(imported_name.as_str())
                || !now.runs_during_import(imported).contains(&id)
            {
                continue;
            }
            let chain = now
                .shortest_chains(imported, id, false)
                .into_iter()
                .next()
                .unwrap_or_default();
            let mut text = vec![module.clone()];
            text.extend(
                chain
                    .iter()
                    .map(|&m| after.modules[m as usize].name.to_string()),
            );
            return Err(format!(
                "it would make an import-time cycle: {}",
                crate::view::arrows(&text)
            ));
        }
    }
    Ok(())
}

/// A resolution in words for comparing a project before and after a rename: a
/// definition as `module.name`, a module as `module NAME`.
pub fn spelled(project: &Project, resolution: &Resolution) -> String {
    match resolution {
        Resolution::Definition { module, binding } => {
            let binding = crate::view::binding(project, *module, *binding);
            format!(
                "{}.{}",
                project.modules[*module as usize].name, binding.name
            )
        }
        Resolution::Module(module) => format!("module {}", project.modules[*module as usize].name),
        other => crate::view::describe(&crate::view::resolved(project, other)),
    }
}

/// The modules of `files` as they are named before and after a change that renames
/// none.
pub fn modules_of(before: &Project, files: &[FileFix]) -> Vec<(String, String)> {
    files
        .iter()
        .filter_map(|file| before.files.iter().find(|f| f.rel == file.path))
        .map(|f| (f.module.to_string(), f.module.to_string()))
        .collect()
}

/// Every module of `modules` (its name before, and after) binds, after the change,
/// what `expect` says of each of its names: given the module, the name and what it
/// resolved to before (`spelled`), the name to look up after and what it must resolve
/// to (`None`: the change may take the name away).
pub fn bindings_follow(
    before: &Project,
    after: &Project,
    modules: &[(String, String)],
    expect: impl Fn(&str, &str, String) -> Option<(String, String)>,
) -> Result<(), String> {
    let mut was = Resolver::new(before);
    let mut now = Resolver::new(after);
    for (name, later_name) in modules {
        let (Some(m), Some(later)) = (before.internal(name), after.internal(later_name)) else {
            return Err(format!("module `{later_name}` would be gone"));
        };
        let mut names: Vec<&str> = before.names(m).keys().collect();
        names.sort_unstable();
        for binding in names {
            let then = spelled(before, &was.resolve_name(m, binding));
            let Some((as_now, expected)) = expect(name, binding, then) else {
                continue;
            };
            let found = spelled(after, &now.resolve_name(later, &as_now));
            if found != expected {
                return Err(format!(
                    "`{later_name}.{as_now}` would be {found} instead of {expected}"
                ));
            }
        }
    }
    Ok(())
}
