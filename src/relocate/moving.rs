//! The files a module move carries: the module's own file, or every file in a package's
//! folder, each with its new place.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rustc_hash::FxHashSet;

use super::dest::Destination;
use super::plan::Renamed;
use super::source::rel_of;
use crate::discover::SourceFile;
use crate::index::Project;

pub struct Moving {
    pub old: String,
    pub dest: String,
    /// The project's source files that move (the module's own first), each with the file
    /// it becomes.
    pub files: Vec<(usize, SourceFile)>,
    /// Other files of the package's folder, moved byte for byte.
    pub others: Vec<Renamed>,
    /// The package's folders, deepest first.
    pub folders: Vec<PathBuf>,
    carried: FxHashSet<usize>,
}

impl Moving {
    pub fn new(project: &Project, old_file: usize, old: &str, dest: &Destination) -> Result<Self> {
        let source = &project.files[old_file];
        let mut moving = Moving {
            old: old.to_string(),
            dest: dest.name.clone(),
            files: vec![(
                old_file,
                SourceFile {
                    path: dest.path.clone(),
                    rel: dest.rel.as_str().into(),
                    module: dest.name.as_str().into(),
                    ..source.clone()
                },
            )],
            others: Vec::new(),
            folders: Vec::new(),
            carried: FxHashSet::from_iter([old_file]),
        };
        if !source.is_package {
            return Ok(moving);
        }
        let (Some(old_folder), Some(new_folder)) = (source.path.parent(), dest.path.parent())
        else {
            bail!("{}: a package's file has no folder", source.rel);
        };
        for (index, file) in project.files.iter().enumerate() {
            let Ok(inner) = file.path.strip_prefix(old_folder) else {
                continue;
            };
            if index == old_file {
                continue;
            }
            if std::fs::symlink_metadata(&file.path).is_ok_and(|m| m.file_type().is_symlink()) {
                bail!(
                    "{}: a link inside the package; move it by hand first",
                    file.rel
                );
            }
            if file.compiled {
                // Not text: carried as it is, with the folder's other files.
                continue;
            }
            let path = new_folder.join(inner);
            let module = moving
                .renamed(&file.module)
                .unwrap_or(file.module.to_string());
            moving.files.push((
                index,
                SourceFile {
                    rel: rel_of(project, &path).into(),
                    path,
                    module: module.into(),
                    ..file.clone()
                },
            ));
        }
        moving.carried = moving.files.iter().map(|(f, _)| *f).collect();
        let carried_paths: FxHashSet<PathBuf> = moving
            .files
            .iter()
            .map(|(f, _)| project.files[*f].path.clone())
            .collect();
        moving.walk(project, (old_folder, new_folder), &carried_paths)?;
        moving.folders.push(old_folder.to_path_buf());
        Ok(moving)
    }

    /// The files of `folder` that are not the project's source files, and its folders.
    fn walk(
        &mut self,
        project: &Project,
        (folder, new_folder): (&Path, &Path),
        carried_paths: &FxHashSet<PathBuf>,
    ) -> Result<()> {
        let entries = std::fs::read_dir(folder)
            .map_err(|e| anyhow::anyhow!("{}: cannot list: {e}", rel_of(project, folder)))?;
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap_or_default();
            let new_path = new_folder.join(name);
            let metadata = std::fs::symlink_metadata(&path)?;
            if metadata.is_dir() {
                // Bytecode of the old place: never carried, removed with the folder.
                if name != "__pycache__" {
                    self.walk(project, (&path, &new_path), carried_paths)?;
                    self.folders.push(path);
                }
                continue;
            }
            if metadata.file_type().is_symlink() && path.is_dir() {
                bail!(
                    "{}: a link to a folder inside the package; move it by hand first",
                    rel_of(project, &path)
                );
            }
            if carried_paths.contains(&path) {
                // A source file of the project: moved as its new text.
                continue;
            }
            self.others.push(Renamed {
                from: rel_of(project, &path),
                to: rel_of(project, &new_path),
                from_real: path,
                to_real: new_path,
            });
        }
        Ok(())
    }

    /// `name` as the move renames it: the moved module or one of its submodules (or a
    /// path through them) at the new place.
    pub fn renamed(&self, name: &str) -> Option<String> {
        let rest = name.strip_prefix(self.old.as_str())?;
        (rest.is_empty() || rest.starts_with('.')).then(|| format!("{}{rest}", self.dest))
    }

    /// Whether the move carries project file `file`.
    pub fn carries(&self, file: usize) -> bool {
        self.carried.contains(&file)
    }

    pub fn is_package(&self) -> bool {
        !self.folders.is_empty()
    }
}
