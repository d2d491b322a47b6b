//! What changed: the files named on the command line, or what git says differs from a
//! revision or is staged.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::staged::{git_for, name_status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Modified,
    Deleted,
}

/// One changed file, root-relative with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub path: String,
    pub status: Status,
}

/// Where the changes come from.
pub enum Source<'a> {
    /// Paths named on the command line, relative to the current directory.
    Paths(&'a [PathBuf]),
    /// The working tree against where HEAD left REV (their merge base).
    Since(&'a str),
    /// The index against HEAD.
    Staged,
}

/// The changes, sorted by path, and one warning line per named path that needed one.
pub struct Changes {
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
    /// The commit compared with, for `--since`.
    pub base: Option<String>,
}

pub fn read(root: &Path, source: Source) -> Result<Changes> {
    let mut changes = Changes {
        changes: Vec::new(),
        warnings: Vec::new(),
        base: None,
    };
    match source {
        Source::Paths(paths) => named(root, paths, &mut changes)?,
        Source::Since(rev) => {
            let base = merge_base(root, rev)?;
            let diff = ["diff", "--name-status", "-z", "--relative", "-M", &base];
            changes.changes = from_status(&git_for("--since", root, &diff, None)?);
            let untracked = ["ls-files", "--others", "--exclude-standard", "-z"];
            for path in git_for("--since", root, &untracked, None)? {
                changes.changes.push(Change {
                    path,
                    status: Status::Added,
                });
            }
            changes.base = Some(base);
        }
        Source::Staged => {
            let diff = [
                "diff",
                "--cached",
                "--name-status",
                "-z",
                "--relative",
                "-M",
            ];
            changes.changes = from_status(&git_for("--staged", root, &diff, None)?);
        }
    }
    changes.changes.sort();
    changes.changes.dedup();
    Ok(changes)
}

/// The commit where HEAD's history left `rev` (`rev` itself when they share none).
fn merge_base(root: &Path, rev: &str) -> Result<String> {
    let verify = format!("{rev}^{{commit}}");
    let Ok(commit) = git_for(
        "--since",
        root,
        &["rev-parse", "--verify", "-q", &verify],
        None,
    ) else {
        bail!(
            "--since {rev}: not a commit of the repository at {}",
            root.display()
        );
    };
    let commit = commit.concat().trim().to_string();
    let base = git_for("--since", root, &["merge-base", &commit, "HEAD"], None)
        .map(|out| out.concat().trim().to_string())
        .unwrap_or_default();
    Ok(if base.is_empty() { commit } else { base })
}

/// A rename is the old path deleted and the new one added; a copy adds the new one.
fn from_status(tokens: &[String]) -> Vec<Change> {
    let mut changes = Vec::new();
    for entry in name_status(tokens) {
        let status = match entry.kind {
            'A' => Status::Added,
            'D' | 'R' => Status::Deleted,
            'C' => Status::Modified,
            _ => Status::Modified,
        };
        if entry.kind != 'C' || entry.new.is_none() {
            changes.push(Change {
                path: entry.path,
                status,
            });
        }
        if let Some(new) = entry.new {
            changes.push(Change {
                path: new,
                status: Status::Added,
            });
        }
    }
    changes
}

/// Named paths: a file is modified; a folder, every file below it; a path that
/// does not exist is a deleted file (`git diff --name-only` lists those), said in a warning.
fn named(root: &Path, paths: &[PathBuf], changes: &mut Changes) -> Result<()> {
    let cwd = std::env::current_dir()?;
    for path in paths {
        let absolute = cwd.join(path);
        let (real, exists) = match absolute.canonicalize() {
            Ok(real) => (real, true),
            // A deleted file: its folder may still be there.
            Err(_) => match (absolute.parent(), absolute.file_name()) {
                (Some(parent), Some(name)) => match parent.canonicalize() {
                    Ok(parent) => (parent.join(name), false),
                    Err(_) => (absolute.clone(), false),
                },
                _ => (absolute.clone(), false),
            },
        };
        let Some(rel) = crate::files::relative(root, &real) else {
            bail!(
                "{}: outside the root {} (pass --root to look at another repository)",
                path.display(),
                root.display()
            );
        };
        if !exists {
            changes.warnings.push(format!(
                "{}: no such file; taken as deleted",
                path.display()
            ));
            changes.changes.push(Change {
                path: rel,
                status: Status::Deleted,
            });
        } else if real.is_dir() {
            let before = changes.changes.len();
            for file in files_below(&real)? {
                if let Some(file_rel) = crate::files::relative(root, &file) {
                    changes.changes.push(Change {
                        path: file_rel,
                        status: Status::Modified,
                    });
                }
            }
            if changes.changes.len() == before {
                changes.warnings.push(format!(
                    "{}: an empty folder; nothing changed",
                    path.display()
                ));
            }
        } else {
            changes.changes.push(Change {
                path: rel,
                status: Status::Modified,
            });
        }
    }
    Ok(())
}

/// Every file below `dir`, as the project's walk would see them (ignore files obeyed).
fn files_below(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).build() {
        let entry = entry?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        text.split('\0')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_rename_is_a_deletion_and_an_addition() {
        let changes = from_status(&tokens("M\0a.py\0R087\0old.py\0new.py\0D\0gone.py\0"));
        let seen: Vec<(&str, Status)> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.status))
            .collect();
        assert_eq!(
            seen,
            [
                ("a.py", Status::Modified),
                ("old.py", Status::Deleted),
                ("new.py", Status::Added),
                ("gone.py", Status::Deleted),
            ]
        );
    }
}
