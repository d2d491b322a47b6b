//! The repository the server answers about: its root and settings, and the project read
//! through the cache with the open documents' unsaved texts in place of their files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Deserialize;

use crate::config::Config;
use crate::discover;
use crate::index::Project;
use crate::load;
use crate::staged::SubstituteTree;

/// What the command line and the editor say about where and how to work.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `--root`, or the editor's `root` setting.
    pub root: Option<PathBuf>,
    /// `--config`, or the editor's `config` setting.
    pub config: Option<PathBuf>,
    /// `--no-cache` turns it off.
    pub no_cache: bool,
    pub jobs: Option<usize>,
}

/// The editor's settings (`initializationOptions`, `workspace/configuration`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorSettings {
    pub root: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

impl Settings {
    pub fn of(cli: &crate::cli::Cli) -> Settings {
        let cwd = std::env::current_dir().unwrap_or_default();
        Settings {
            root: cli.root.as_ref().map(|root| cwd.join(root)),
            config: cli.config.as_ref().map(|config| cwd.join(config)),
            no_cache: cli.no_cache,
            jobs: cli.jobs,
        }
    }

    /// These settings with the editor's where the command line gave none; its relative
    /// paths are taken from `folder`.
    pub fn with_editor(&self, editor: EditorSettings, folder: &Path) -> Settings {
        Settings {
            root: self.root.clone().or(editor.root.map(|r| folder.join(r))),
            config: self
                .config
                .clone()
                .or(editor.config.map(|c| folder.join(c))),
            ..self.clone()
        }
    }
}

pub struct Workspace {
    pub root: PathBuf,
    pub config: Arc<Config>,
    settings: Settings,
    cache: bool,
    /// A root that is only a guess gets no cache folder written into it: the server keeps
    /// its snapshot here instead (else every edit would read the whole tree again).
    scratch: Option<tempfile::TempDir>,
}

impl Workspace {
    /// The workspace of the editor's `folder`: the root found from it as the command line
    /// finds it from the current folder, unless the settings name one.
    pub fn open(folder: &Path, settings: &Settings) -> Result<Workspace> {
        let root = match &settings.root {
            Some(root) if root.is_dir() => discover::Root {
                path: root.canonicalize().unwrap_or(root.clone()),
                why: "given in the settings",
                guessed: false,
            },
            Some(root) => bail!("root {}: no such directory", root.display()),
            None => discover::find_root(&folder.canonicalize().unwrap_or(folder.to_path_buf())),
        };
        discover::refuse_system_root(&root.path)?;
        let scratch = match root.guessed && !settings.no_cache {
            true => tempfile::Builder::new()
                .prefix("ssot-graph-cache")
                .tempdir()
                .ok(),
            false => None,
        };
        let config = with_scratch(
            Config::load(&root.path, settings.config.as_deref())?,
            scratch.as_ref(),
        );
        let mut cache = !settings.no_cache && (!root.guessed || scratch.is_some());
        if cache && let Err(error) = crate::cache::folder::check(&root.path, config.cache_dir()) {
            eprintln!("ssot-graph server: {error:#}; working without the cache");
            cache = false;
        }
        eprintln!(
            "ssot-graph server: root {} ({})",
            root.path.display(),
            root.why
        );
        Ok(Workspace {
            root: root.path,
            config: Arc::new(config),
            settings: settings.clone(),
            cache,
            scratch,
        })
    }

    /// Whether `other` is this repository read with the same settings.
    pub fn same_as(&self, other: &Workspace) -> bool {
        self.root == other.root && self.settings.config == other.settings.config
    }

    /// Reads the settings files again (one of them changed).
    pub fn reload_config(&mut self) -> Result<()> {
        let config = Config::load(&self.root, self.settings.config.as_deref())?;
        self.config = Arc::new(with_scratch(config, self.scratch.as_ref()));
        Ok(())
    }

    /// The project with `substitutes` read in place of their files; with `compare_only`,
    /// only the files under those paths (and the substitutes) are compared with the
    /// snapshot, the others taken as stored. A snapshot is written only of the files as
    /// saved, all of them compared.
    pub fn load(
        &self,
        substitutes: Option<Arc<SubstituteTree>>,
        compare_only: Option<Vec<PathBuf>>,
    ) -> Result<Project> {
        let compare_only = compare_only.map(|mut paths| {
            paths.extend(
                substitutes
                    .iter()
                    .flat_map(|s| s.copies().map(Path::to_path_buf)),
            );
            paths
        });
        let options = load::OpenOptions {
            progress: false,
            cache: self.cache,
            verbose: false,
            staged: substitutes.clone(),
            hash_all: false,
            compare_only,
            detail: crate::parse::Detail::FULL,
            whole_index: true,
        };
        let (mut project, pending) =
            load::open_deferred(self.root.clone(), &self.config, &options)?;
        match substitutes.is_some_and(|s| s.differs()) {
            // Unsaved texts are no cache state of the tree: the reference index kept
            // beside the snapshot is neither read nor written over for them (refs walks
            // for its target alone).
            true => project.cache = None,
            false => {
                if let Some(pending) = pending {
                    pending.write(&project);
                }
            }
        }
        Ok(project)
    }
}

/// `config` with its cache folder in `scratch`, when there is one.
fn with_scratch(mut config: Config, scratch: Option<&tempfile::TempDir>) -> Config {
    if let Some(scratch) = scratch {
        config.cache_dir = Some(scratch.path().display().to_string());
    }
    config
}
