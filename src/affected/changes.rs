//! What changed: the files named on the command line, or what git says differs from a
//! revision or is staged.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::staged::{Running, git_for, name_status};

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
    /// The working tree against where HEAD left REV (their merge base); `None`: no
    /// argument was given, HEAD is meant.
    Since(Option<&'a str>),
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

/// The changes being read: git answers on the other core while the project is read.
pub enum Pending {
    Paths(Vec<PathBuf>),
    Since(Box<SinceRev>),
    Staged(Running),
    /// Git was needed and the root is not in a repository: why.
    NoRepository(String),
}

/// `--since REV`: the diff against the merge base, the files git tracks (the project's
/// files it does not are new), and the merge base.
pub struct SinceRev {
    rev: String,
    diff: Running,
    tracked: Running,
    base: Running,
}

impl Pending {
    pub fn start(root: &Path, source: Source) -> Pending {
        let purpose = match source {
            Source::Paths(paths) => return Pending::Paths(paths.to_vec()),
            Source::Staged => "--staged",
            Source::Since(_) => "--since",
        };
        if !crate::staged::in_repository(root) {
            let hint = match source {
                Source::Since(None) => "name the changed files, or run it in a git repository",
                _ => "name the changed files instead",
            };
            return Pending::NoRepository(format!(
                "{purpose}: {} is not in a git repository; {hint}",
                root.display()
            ));
        }
        match source {
            Source::Since(rev) => {
                let rev = rev.unwrap_or("HEAD");
                let diff = [
                    "diff",
                    "--merge-base",
                    rev,
                    "--name-status",
                    "-z",
                    "--relative",
                    "-M",
                    "--",
                ];
                Pending::Since(Box::new(SinceRev {
                    rev: rev.to_string(),
                    diff: Running::start_for(purpose, root, &diff),
                    // Listing what git tracks reads its index alone; listing what it
                    // does not would walk the whole tree again.
                    tracked: Running::start_for(purpose, root, &["ls-files", "-z"]),
                    base: Running::start_for(purpose, root, &["merge-base", rev, "HEAD"]),
                }))
            }
            _ => Pending::Staged(Running::start_for(
                purpose,
                root,
                &[
                    "diff",
                    "--cached",
                    "--name-status",
                    "-z",
                    "--relative",
                    "-M",
                ],
            )),
        }
    }

    /// The changes; `project_files` (root-relative) are the files the walk found, those
    /// git does not track being new.
    pub fn finish<'f>(
        &self,
        root: &Path,
        project_files: impl Iterator<Item = &'f str>,
    ) -> Result<Changes> {
        let mut changes = Changes {
            changes: Vec::new(),
            warnings: Vec::new(),
            base: None,
        };
        match self {
            Pending::Paths(paths) => named(root, paths, &mut changes)?,
            Pending::NoRepository(why) => bail!("{why}"),
            Pending::Staged(diff) => changes.changes = from_status(diff.answer()?),
            Pending::Since(since) => {
                let (status, base) = match since.base.answer() {
                    Ok(base) => (
                        since.diff.answer()?.to_vec(),
                        base.concat().trim().to_string(),
                    ),
                    Err(_) => since_unrelated(root, &since.rev)?,
                };
                changes.changes = from_status(&status);
                added(
                    &mut changes,
                    untracked(since.tracked.answer()?, project_files),
                );
                changes.base = Some(base);
            }
        }
        changes.changes.sort();
        changes.changes.dedup();
        Ok(changes)
    }
}

/// `--since REV` when REV and HEAD share no history (or REV is no commit): the working
/// tree's `diff --name-status` against REV itself, and REV's commit.
fn since_unrelated(root: &Path, rev: &str) -> Result<(Vec<String>, String)> {
    let verify = format!("{rev}^{{commit}}");
    let Ok(commit) = git_for(
        "--since",
        root,
        &["rev-parse", "--verify", "-q", &verify],
        None,
    ) else {
        let no_commit = git_for(
            "--since",
            root,
            &["rev-parse", "--verify", "-q", "HEAD"],
            None,
        );
        if no_commit.is_err() {
            bail!(
                "the repository at {} has no commit yet: name the changed files, or pass --staged",
                root.display()
            );
        }
        bail!(
            "--since {rev}: not a commit of the repository at {}",
            root.display()
        );
    };
    let commit = commit.concat().trim().to_string();
    let diff = [
        "diff",
        "--name-status",
        "-z",
        "--relative",
        "-M",
        &commit,
        "--",
    ];
    Ok((git_for("--since", root, &diff, None)?, commit))
}

fn added(changes: &mut Changes, paths: Vec<String>) {
    for path in paths {
        changes.changes.push(Change {
            path,
            status: Status::Added,
        });
    }
}

/// The project files git does not track.
fn untracked<'f>(tracked: &[String], project_files: impl Iterator<Item = &'f str>) -> Vec<String> {
    let tracked: rustc_hash::FxHashSet<&str> = tracked.iter().map(String::as_str).collect();
    project_files
        .filter(|rel| !tracked.contains(rel))
        .map(str::to_string)
        .collect()
}

/// The lines each changed file has now that the change wrote (first line, count; a
/// count of 0 is a removal after that line), for Python files: from `git diff -U0`
/// against `base` (a commit), or of the index with `base` `None`.
pub fn changed_lines(
    root: &Path,
    base: Option<&str>,
) -> Result<rustc_hash::FxHashMap<String, Vec<(u32, u32)>>> {
    let mut args = vec![
        "-c",
        "core.quotepath=off",
        "diff",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--relative",
        "-M",
    ];
    match base {
        Some(base) => args.push(base),
        None => args.push("--cached"),
    }
    args.extend(["--", "*.py", "*.pyi"]);
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(&args)
        .output()
        .map_err(|e| anyhow::anyhow!("--symbols needs git on PATH: {e}"))?;
    if !output.status.success() {
        bail!(
            "--symbols: git diff: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .next()
                .unwrap_or("failed")
        );
    }
    Ok(hunks(&String::from_utf8_lossy(&output.stdout)))
}

/// The new-side ranges of each file of a `git diff -U0`.
fn hunks(diff: &str) -> rustc_hash::FxHashMap<String, Vec<(u32, u32)>> {
    let mut found: rustc_hash::FxHashMap<String, Vec<(u32, u32)>> = Default::default();
    let mut file: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            file = path.strip_prefix("b/").map(str::to_string);
        } else if let (Some(header), Some(file)) = (line.strip_prefix("@@ "), &file) {
            // `@@ -a,b +c,d @@`: the new side is `+c[,d]`.
            let new = header.split(' ').find_map(|part| part.strip_prefix('+'));
            let range = new.and_then(|new| {
                let (start, count) = new.split_once(',').unwrap_or((new, "1"));
                Some((start.parse().ok()?, count.parse().ok()?))
            });
            if let Some(range) = range {
                found.entry(file.clone()).or_default().push(range);
            }
        }
    }
    found
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
        let exists = std::fs::symlink_metadata(&absolute).is_ok();
        // The folder is resolved, not a link the path names: a link in the repository
        // is a file of it, wherever it points.
        let real = match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) if !absolute.is_dir() => parent
                .canonicalize()
                .map_or_else(|_| absolute.clone(), |parent| parent.join(name)),
            _ => absolute.canonicalize().unwrap_or_else(|_| absolute.clone()),
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
    fn hunks_are_read_on_their_new_side() {
        let diff = "diff --git a/p/m.py b/p/m.py\nindex 1..2 100644\n--- a/p/m.py\n+++ b/p/m.py\n\
                    @@ -3 +3 @@ def f():\n-    return 1\n+    return 2\n@@ -10,2 +9,0 @@\n-x\n-y\n\
                    diff --git a/n.py b/n.py\nnew file mode 100644\n--- /dev/null\n+++ b/n.py\n\
                    @@ -0,0 +1,4 @@\n+a\n";
        let found = hunks(diff);
        assert_eq!(found["p/m.py"], [(3, 1), (9, 0)]);
        assert_eq!(found["n.py"], [(1, 4)]);
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
