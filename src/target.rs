//! Turns a user's TARGET argument into a resolution.

use anyhow::{Result, bail};

use crate::index::ModuleId;
use crate::resolve::{Hop, Resolution, Resolver};
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
        return Ok(match name {
            Some(name) => {
                let attributes: Vec<&str> = name.split('.').collect();
                resolver.resolve_attributes(module, &attributes)
            }
            None => (Resolution::Module(module), Vec::new()),
        });
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
        bail!(
            "{target}: no module `{}` in the repository",
            target.split('.').next().unwrap_or(target)
        );
    }
    Ok((resolution, chain))
}

/// A bare name must name exactly one definition (class, function or value) in the repo.
fn bare_name(resolver: &mut Resolver, name: &str) -> Result<(Resolution, Vec<Hop>)> {
    let project = resolver.project();
    let mut found = Vec::new();
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
            }
        }
    }
    match found.as_slice() {
        [] => {
            bail!("{name}: no class, function or value of that name is defined in the repository")
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
