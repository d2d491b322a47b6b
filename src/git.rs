//! A git repository's commits and their files, read from the object store (no checkout).
//! Every `gix` type stays in this file.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};

/// The repository holding a project root.
pub struct Repository {
    repo: gix::ThreadSafeRepository,
    /// The project root relative to the top of the work tree, `/`-separated, `""` at the top.
    prefix: String,
}

/// A file's content as git stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(gix::ObjectId);

/// One commit, as a report names it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Commit {
    #[serde(rename = "commit")]
    pub id: String,
    pub short: String,
    /// Committer date, `YYYY-MM-DD` in the committer's time zone (as `git log --date=short`).
    pub date: String,
    pub subject: String,
}

/// A file of a commit under the project root.
pub struct TreeFile {
    /// Relative to the project root, `/`-separated.
    pub rel: String,
    pub blob: BlobId,
}

impl Repository {
    /// The repository whose work tree holds `root`.
    pub fn open(root: &Path) -> Result<Repository> {
        let repo = gix::discover(root)
            .map_err(|e| anyhow!("{}: not in a git repository ({e})", root.display()))?;
        let top = repo.workdir().ok_or_else(|| {
            anyhow!(
                "{}: a bare git repository has no files here",
                root.display()
            )
        })?;
        let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let prefix = real_root
            .strip_prefix(&top)
            .map(crate::discover::slash_path)
            .unwrap_or_default();
        Ok(Repository {
            repo: repo.into_sync(),
            prefix,
        })
    }

    /// The commit `rev` names (`HEAD`, `main~3`, a hash, a tag).
    pub fn commit(&self, rev: &str) -> Result<Commit> {
        let repo = self.repo.to_thread_local();
        let id = resolve(&repo, rev)?;
        describe(&repo, id)
    }

    /// The commits of `range` (`A..B`, or `B` for all of B's history), newest first,
    /// following first parents: the line a main branch records.
    pub fn history(&self, range: &str) -> Result<Vec<Commit>> {
        let repo = self.repo.to_thread_local();
        if range.contains("...") {
            bail!("`{range}`: a history is a line of commits, `A..B`, not `A...B`");
        }
        let (hidden, tip) = match range.split_once("..") {
            Some((base, tip)) => (Some(base), if tip.is_empty() { "HEAD" } else { tip }),
            None => (None, range),
        };
        let tip = resolve(&repo, tip)?;
        let mut walk = repo.rev_walk([tip]).first_parent_only();
        if let Some(base) = hidden {
            let base = resolve(&repo, if base.is_empty() { "HEAD" } else { base })?;
            walk = walk.with_hidden([base]);
        }
        let mut commits = Vec::new();
        let boundary = shallow_boundary(&repo);
        let mut cut = false;
        for info in walk.all().context("walking the history")? {
            let info = info.context("walking the history")?;
            cut |= boundary.contains(&info.id);
            commits.push(describe(&repo, info.id)?);
        }
        if cut && let Some(note) = shallow_note(&repo) {
            eprintln!("warning: {note}");
        }
        Ok(commits)
    }

    /// The files under the project root at `commit`; links and submodules left out.
    pub fn files(&self, commit: &Commit) -> Result<Vec<TreeFile>> {
        let repo = self.repo.to_thread_local();
        let id = gix::ObjectId::from_hex(commit.id.as_bytes())?;
        let mut tree = repo
            .find_commit(id)
            .and_then(|c| c.tree())
            .with_context(|| format!("reading commit {}", commit.short))?;
        if !self.prefix.is_empty() {
            match tree
                .lookup_entry_by_path(&self.prefix)
                .with_context(|| format!("reading {} at {}", self.prefix, commit.short))?
            {
                Some(entry) if entry.mode().is_tree() => {
                    tree = entry.object()?.into_tree();
                }
                _ => return Ok(Vec::new()),
            }
        }
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .with_context(|| format!("reading the files of {}", commit.short))?;
        let mut files: Vec<TreeFile> = recorder
            .records
            .into_iter()
            .filter(|entry| entry.mode.is_blob())
            .map(|entry| TreeFile {
                rel: crate::discover::path_text(&entry.filepath),
                blob: BlobId(entry.oid),
            })
            .collect();
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(files)
    }

    /// `each(index, bytes)` of what every one of `blobs` holds, read in parallel.
    pub fn map_blobs<T: Send>(
        &self,
        blobs: &[BlobId],
        each: impl Fn(usize, std::io::Result<Vec<u8>>) -> T + Sync,
    ) -> Vec<T> {
        use rayon::prelude::*;
        blobs
            .par_iter()
            .enumerate()
            .map_init(
                || self.repo.to_thread_local(),
                |repo, (index, &blob)| each(index, read_blob(repo, blob)),
            )
            .collect()
    }
}

fn read_blob(repo: &gix::Repository, blob: BlobId) -> std::io::Result<Vec<u8>> {
    repo.find_blob(blob.0)
        .map(|mut b| b.take_data())
        .map_err(std::io::Error::other)
}

impl Commit {
    /// `rev (short hash)`, or the short hash when that is what `rev` is.
    pub fn label(&self, rev: &str) -> String {
        if self.id.starts_with(rev) {
            self.short.clone()
        } else {
            format!("{rev} ({})", self.short)
        }
    }
}

fn resolve(repo: &gix::Repository, rev: &str) -> Result<gix::ObjectId> {
    if repo.head_id().is_err() {
        bail!("`{rev}`: the repository has no commits yet");
    }
    let id = repo.rev_parse_single(rev).map_err(|_| {
        let names = ref_names(repo);
        let shallow = shallow_note(repo).map_or(String::new(), |note| format!(" ({note})"));
        anyhow!(
            "`{rev}`: not a revision of this repository{}{shallow}",
            crate::suggest::did_you_mean(rev, names.iter().map(String::as_str))
        )
    })?;
    let commit = id
        .object()?
        .peel_to_commit()
        .map_err(|_| anyhow!("`{rev}`: not a commit"))?;
    Ok(commit.id)
}

/// The commits whose parents a shallow clone does not hold (none in a full clone).
fn shallow_boundary(repo: &gix::Repository) -> Vec<gix::ObjectId> {
    match repo.shallow_commits() {
        Ok(Some(commits)) => commits.iter().copied().collect(),
        _ => Vec::new(),
    }
}

/// Where a shallow clone's history stops, and how to get the rest.
fn shallow_note(repo: &gix::Repository) -> Option<String> {
    let mut boundary: Vec<String> = shallow_boundary(repo)
        .iter()
        .map(|id| id.to_hex_with_len(7).to_string())
        .collect();
    boundary.sort();
    let first = boundary.first()?;
    let more = match boundary.len() {
        1 => String::new(),
        n => format!(" and {} other commits", n - 1),
    };
    Some(format!(
        "shallow clone: history before {first}{more} is not available; fetch with `git fetch --unshallow`"
    ))
}

/// Branch, remote branch and tag names, short (`main`, `origin/main`, `v1.0`).
fn ref_names(repo: &gix::Repository) -> Vec<String> {
    let Ok(platform) = repo.references() else {
        return Vec::new();
    };
    let Ok(all) = platform.all() else {
        return Vec::new();
    };
    all.filter_map(Result::ok)
        .map(|r| r.name().shorten().to_string())
        .collect()
}

fn describe(repo: &gix::Repository, id: gix::ObjectId) -> Result<Commit> {
    let commit = repo.find_commit(id)?;
    let time = commit.time().unwrap_or_default();
    let subject = commit
        .message()
        .map(|m| m.summary().to_string())
        .unwrap_or_default();
    let hex = id.to_hex().to_string();
    if hex.len() < 7 {
        bail!("{hex}: not a commit id");
    }
    Ok(Commit {
        short: hex[..7].to_string(),
        id: hex,
        date: time.format_or_unix(gix::date::time::format::SHORT),
        subject,
    })
}
