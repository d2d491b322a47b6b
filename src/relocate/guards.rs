//! Moves that would change what the program does although every name still resolves:
//! refused with the line that shows why.

use anyhow::{Result, bail};

use super::dest::Destination;
use super::source::{self, Block};
use crate::index::{ModuleId, Project};
use crate::parse;
use crate::resolve::{Resolution, Resolver};

/// The moved code calls `globals()`: in the new module it would read that module's names.
pub fn reads_globals(old_text: &str, blocks: &[Block], old_module: &str) -> Result<()> {
    for block in blocks {
        if let Some((call, offset)) = parse::first_call(block.text(old_text), &["globals"]) {
            bail!(
                "the moved code calls `{call}()` (line {}): in the new module it would see \
                 that module's names, not `{old_module}`'s",
                source::line_number(old_text, block.start + offset)
            );
        }
    }
    Ok(())
}

/// The destination's module `__getattr__` answers a moved name (a deprecation warning, a
/// lazy import): a definition of that name there would silence it.
pub fn answered_by_getattr(project: &Project, dest: &Destination, names: &[&str]) -> Result<()> {
    let Some(file) = dest.file else {
        return Ok(());
    };
    let Some(line) = project.summary(file).getattr else {
        return Ok(());
    };
    let Ok(text) = std::fs::read_to_string(&project.files[file].path) else {
        return Ok(());
    };
    if let Some(name) = names
        .iter()
        .find(|n| text.contains(&format!("\"{n}\"")) || text.contains(&format!("'{n}'")))
    {
        bail!(
            "`{}` answers `{name}` in its module `__getattr__` (line {line}): defining \
             `{name}` there would bypass it; remove that case from `__getattr__` first",
            dest.name
        );
    }
    Ok(())
}

/// Another file assigns a moved name on the old module (`old.NAME = patched`, a test's
/// monkeypatch kept by hand): after the move, code reading the new module would not
/// see it.
pub fn written_from_outside(
    resolver: &mut Resolver,
    (old, old_file): (ModuleId, usize),
    names: &[&str],
    dest: &str,
) -> Result<()> {
    let project = resolver.project();
    let mut files: Vec<usize> = (0..project.sites.len())
        .filter(|&s| project.sites[s].node() == Some(old))
        .map(|s| project.sites[s].file as usize)
        .filter(|&f| f != old_file)
        .collect();
    files.sort_unstable();
    files.dedup();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&project.files[file].path) else {
            continue;
        };
        if !names.iter().any(|n| text.contains(n)) {
            continue;
        }
        let Some(module) = project.internal(&project.files[file].module) else {
            continue;
        };
        for write in parse::attribute_writes(&text) {
            if !names.contains(&write.attribute.as_str()) {
                continue;
            }
            let path: Vec<&str> = write.object.iter().map(String::as_str).collect();
            let (first, rest) = path.split_first().expect("a dotted name");
            let mut reached = resolver.resolve_name(module, first);
            if !rest.is_empty()
                && let Resolution::Module(m) = reached
            {
                reached = resolver.resolve_attributes(m, rest).0;
            }
            if reached == Resolution::Module(old) {
                bail!(
                    "{}:{} assigns `{}.{}`: code that reads `{dest}.{}` would not see it; \
                     make it assign the new module's first",
                    project.files[file].rel,
                    source::line_number(&text, write.offset),
                    write.object.join("."),
                    write.attribute,
                    write.attribute
                );
            }
        }
    }
    Ok(())
}
