//! Turns a user's TARGET argument into a resolution.

use anyhow::{Result, bail};

use crate::index::ModuleId;
use crate::resolve::{Hop, Resolution, Resolver};
use crate::suggest;
use crate::summary::BindingKind;

/// Resolves `pkg.mod.Name`, `pkg.mod`, `path/file.py[:Name]` or a bare unique `Name`.
pub fn resolve_target(resolver: &mut Resolver, target: &str) -> Result<(Resolution, Vec<Hop>)> {
    let project = resolver.project();
    let (path_part, name) = match target.rsplit_once(':') {
        Some((path, name)) if path.ends_with(".py") || path.ends_with(".pyi") => {
            (Some(path), Some(name))
        }
        _ if target.ends_with(".py") || target.ends_with(".pyi") => (Some(target), None),
        _ => (None, None),
    };
    if let Some(path) = path_part {
        let Some(module) = project.module_of_path(path) else {
            bail!(
                "{path}: not a Python file under the source roots of {}",
                project.root.display()
            );
        };
        let Some(name) = name else {
            return Ok((Resolution::Module(module), Vec::new()));
        };
        let attributes: Vec<&str> = name.split('.').collect();
        let (resolution, chain) = resolver.resolve_attributes(module, &attributes);
        if let Resolution::Unresolved(reason) = &resolution
            && chain.is_empty()
        {
            let dotted = format!("{}.{name}", project.modules[module as usize].name);
            bail!("{target}: {reason}{}", nearest_attribute(resolver, &dotted));
        }
        return Ok((resolution, chain));
    }
    let folder = target.trim_end_matches(['/', '\\']);
    if !folder.is_empty()
        && (target.ends_with(['/', '\\'])
            || std::path::Path::new(target).is_dir()
            || project.root.join(target).is_dir())
    {
        return package_of_folder(project, folder);
    }
    if target.is_empty() || target.split('.').any(|part| part.is_empty()) {
        bail!("{target:?}: not a dotted name, a file path, or a `path.py:Name`");
    }
    if !target.contains('.') && project.internal(target).is_none() {
        return bare_name(resolver, target);
    }
    let (resolution, chain) = resolver.resolve_path(target);
    if let Resolution::External { .. } = resolution
        && !project.is_internal_name(target)
    {
        let top = target.split('.').next().unwrap_or(target);
        let packages = project
            .modules
            .iter()
            .filter(|m| m.file.is_some() || m.path.is_some())
            .map(|m| m.name.split('.').next().unwrap_or(&m.name));
        bail!(
            "{target}: no module `{top}` in the repository{}",
            suggest::did_you_mean(top, packages)
        );
    }
    // The target itself names nothing (a broken chain behind a real binding is an answer).
    if let Resolution::Unresolved(reason) = &resolution
        && chain.is_empty()
    {
        bail!("{target}: {reason}{}", nearest_attribute(resolver, target));
    }
    Ok((resolution, chain))
}

/// The package a folder holds (its `__init__.py`, or a namespace package).
fn package_of_folder(
    project: &crate::index::Project,
    folder: &str,
) -> Result<(Resolution, Vec<Hop>)> {
    let path = std::path::Path::new(folder);
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let rel = absolute
        .strip_prefix(&project.root)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| folder.trim_start_matches("./").to_string());
    let init = match rel.as_str() {
        "" => "__init__.py".to_string(),
        rel => format!("{rel}/__init__.py"),
    };
    let module = project.module_of_path(&init).or_else(|| {
        crate::discover::module_of_path(&init, &project.source_roots)
            .and_then(|name| project.internal(&name))
    });
    match module {
        Some(module) => Ok((Resolution::Module(module), Vec::new())),
        None => bail!(
            "{folder}: a folder that holds no package of the repository; pass a module \
             name, a file, or `file.py:Name`"
        ),
    }
}

/// "did you mean" for the first part of a dotted target that its module does not bind:
/// the module's names, submodules and the names it binds lazily.
fn nearest_attribute(resolver: &mut Resolver, target: &str) -> String {
    let project = resolver.project();
    let parts: Vec<&str> = target.split('.').collect();
    let Some(split) = (1..parts.len())
        .rev()
        .find(|&s| project.internal(&parts[..s].join(".")).is_some())
    else {
        return String::new();
    };
    let module_name = parts[..split].join(".");
    let module = project.internal(&module_name).expect("found above");
    let prefix = format!("{module_name}.");
    let submodules = project
        .modules
        .iter()
        .filter_map(|m| m.name.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('.'));
    let exported = resolver.exports(module);
    let names = project.names(module).keys();
    let record = &project.modules[module as usize];
    let summary = project.module_summary(module);
    let lazy = summary.map_or(&[][..], |s| &s.getattr_imports[..]);
    let stub = match record.stub {
        Some(file) if summary.is_some_and(|s| s.lazy_stub) => &project.summary(file).bindings[..],
        _ => &[],
    };
    let candidates = names
        .chain(submodules)
        .chain(exported.iter().map(String::as_str))
        .chain(lazy.iter().chain(stub).map(|b| b.name.as_str()));
    suggest::did_you_mean(parts[split], candidates)
}

/// A bare name must name exactly one definition (class, function or value) in the repo,
/// or be bound only by aliases of one definition.
fn bare_name(resolver: &mut Resolver, name: &str) -> Result<(Resolution, Vec<Hop>)> {
    let project = resolver.project();
    let mut found = Vec::new();
    let mut aliases = Vec::new();
    for (id, module) in project.modules.iter().enumerate() {
        let Some(indices) = project.names(id as ModuleId).get(name) else {
            continue;
        };
        let file = module.file.expect("modules with names have files");
        for &index in indices {
            let binding = &project.summary(file).bindings[index as usize];
            if matches!(
                binding.kind,
                BindingKind::Class | BindingKind::Function | BindingKind::Variable
            ) {
                found.push((
                    id as u32,
                    index,
                    format!(
                        "{}:{}  {}.{name}",
                        module.path.as_deref().unwrap_or(""),
                        binding.position.line,
                        module.name
                    ),
                ));
            } else if matches!(binding.kind, BindingKind::Alias(_)) {
                aliases.push((id as ModuleId, binding.position.line));
            }
        }
    }
    if found.is_empty() && !aliases.is_empty() {
        return alias_name(resolver, name, &aliases);
    }
    match found.as_slice() {
        [] => {
            let mut every: Vec<&str> = Vec::new();
            for id in 0..project.modules.len() {
                every.extend(project.names(id as ModuleId).keys());
            }
            bail!(
                "{name}: no class, function or value of that name is defined in the repository{}",
                suggest::did_you_mean(name, every)
            )
        }
        [(module, binding, _)] => Ok((
            Resolution::Definition {
                module: *module,
                binding: *binding,
            },
            Vec::new(),
        )),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|(_, _, text)| format!("  {text}"))
                .collect();
            bail!(
                "{name} names {} definitions; use a dotted target such as one of:\n{}",
                many.len(),
                list.join("\n")
            )
        }
    }
}

/// A bare name bound only by `Name = Other` aliases: the definition they all reach, or
/// the list of places that bind it when they reach different ones.
fn alias_name(
    resolver: &mut Resolver,
    name: &str,
    aliases: &[(ModuleId, u32)],
) -> Result<(Resolution, Vec<Hop>)> {
    let mut answers: Vec<(Resolution, Vec<Hop>)> = Vec::new();
    for &(module, _) in aliases {
        let answer = resolver.resolve_attributes(module, &[name]);
        if !answers.iter().any(|(r, _)| *r == answer.0) {
            answers.push(answer);
        }
    }
    if let [(Resolution::Definition { .. }, _)] = answers.as_slice() {
        let (resolution, chain) = answers.pop().expect("one answer");
        return Ok((resolution, chain));
    }
    let project = resolver.project();
    let list: Vec<String> = aliases
        .iter()
        .map(|&(module, line)| {
            let module = &project.modules[module as usize];
            format!(
                "  {}:{line}  {}.{name}",
                module.path.as_deref().unwrap_or(""),
                module.name
            )
        })
        .collect();
    bail!(
        "{name} is bound by {} aliases that reach different objects; use a dotted target such \
         as one of:\n{}",
        aliases.len(),
        list.join("\n")
    )
}

/// Resolves TARGET and requires a module of the repository.
pub fn resolve_module(resolver: &mut Resolver, target: &str) -> Result<ModuleId> {
    let (resolution, _) = resolve_target(resolver, target)?;
    let project = resolver.project();
    match resolution {
        Resolution::Module(module) => Ok(module),
        other => {
            let what = crate::view::describe(&crate::view::resolved(project, &other));
            bail!("{target}: not a module of the repository (it is {what})")
        }
    }
}
