//! The main loop: the open documents and the project, kept in step with the editor's
//! notifications, and each request sent to a worker with the project as it stands.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as ask, Request as _};
use lsp_types::*;
use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::diagnostics;
use super::documents::{Documents, file_of, path_of};
use super::folder::Folder;
use super::places::{OpenTexts, Places};
use super::text::Encoding;
use super::workers::Workers;
use super::workspace::{EditorSettings, Settings};
use super::{actions, answers, rename};
use crate::config::Config;
use crate::index::Project;

/// What the client can do, as far as it changes what the server does.
#[derive(Default)]
struct Client {
    /// Pulls diagnostics (`textDocument/diagnostic`): none are pushed.
    pulls: bool,
    /// Asks for them all again on `workspace/diagnostic/refresh`.
    refreshes: bool,
    /// Lets the server say which files to watch.
    registers_watchers: bool,
    /// Answers `workspace/configuration`.
    configures: bool,
}

pub struct Session<'c> {
    connection: &'c Connection,
    /// The editor's workspace folders, each with its repository (one per root).
    folders: Vec<Folder>,
    documents: Documents,
    encoding: Encoding,
    client: Client,
    /// The diagnostics of each open document (by URI) as last worked out, and the
    /// generation they belong to.
    diagnostics: FxHashMap<String, Vec<Diagnostic>>,
    generation: u64,
    /// Documents edited since the diagnostics were last worked out.
    edited: Vec<String>,
    workers: Workers,
    shut_down: bool,
    outgoing: i32,
    /// The command line's settings, and the editor's (`initializationOptions`).
    settings: Settings,
    editor: Value,
    /// The `workspace/configuration` request awaiting its answer.
    asked_configuration: Option<RequestId>,
    /// The last error shown: the same one is not shown again on every keystroke.
    shown: Option<String>,
}

impl<'c> Session<'c> {
    /// Answers `initialize` and reads the project.
    pub fn start(
        connection: &'c Connection,
        id: RequestId,
        params: Value,
        settings: Settings,
    ) -> Result<Session<'c>> {
        // The protocol spells it `workspace.diagnostics`; lsp-types reads `diagnostic`.
        let refreshes = ["diagnostics", "diagnostic"].iter().any(|key| {
            params
                .pointer(&format!("/capabilities/workspace/{key}/refreshSupport"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        });
        let params: InitializeParams = match serde_json::from_value(params) {
            Ok(params) => params,
            Err(error) => {
                let message = format!("initialize: {error}");
                let response = Response::new_err(id, ErrorCode::InvalidParams as i32, message);
                connection.sender.send(response.into())?;
                anyhow::bail!("the client's initialize could not be read: {error}");
            }
        };
        let encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let text_document = params.capabilities.text_document.as_ref();
        let workspace_capabilities = params.capabilities.workspace.as_ref();
        let client = Client {
            pulls: text_document.is_some_and(|t| t.diagnostic.is_some()),
            refreshes,
            registers_watchers: workspace_capabilities
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configures: workspace_capabilities
                .and_then(|w| w.configuration)
                .unwrap_or(false),
        };
        // Every workspace folder; one root given on the command line stands for them all.
        let mut paths: Vec<PathBuf> = (params.workspace_folders.iter().flatten())
            .filter_map(|f| path_of(&f.uri))
            .collect();
        if paths.is_empty() || settings.root.is_some() {
            #[allow(deprecated)]
            let root_uri = params.root_uri.as_ref();
            paths = vec![
                (root_uri.and_then(path_of))
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_default(),
            ];
        }
        let editor = params.initialization_options.clone().unwrap_or(Value::Null);
        let result = InitializeResult {
            capabilities: capabilities(encoding, &client),
            server_info: Some(ServerInfo {
                name: "ssot-graph".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        let mut session = Session {
            connection,
            folders: Vec::new(),
            documents: Documents::new()?,
            encoding,
            client,
            diagnostics: FxHashMap::default(),
            generation: 0,
            edited: Vec::new(),
            workers: Workers::new(connection.sender.clone()),
            shut_down: false,
            outgoing: 0,
            settings,
            editor,
            asked_configuration: None,
            shown: None,
        };
        let unserved: Vec<String> = paths
            .into_iter()
            .filter_map(|path| session.add_folder(path))
            .collect();
        // The project is read before the client is told the server is ready: the first
        // document opened is answered from it (on a warm cache, in a few tens of ms).
        session.refresh();
        // This also waits for the client's `initialized`, which the main loop never sees.
        connection.initialize_finish(id, serde_json::to_value(result)?)?;
        session.watch_files();
        session.ask_configuration();
        for why in unserved {
            session.show_error(why);
        }
        Ok(session)
    }

    /// Serves the editor's folder at `path` too, unless a folder already served has its
    /// repository; why no repository could be opened from it, if not.
    fn add_folder(&mut self, path: PathBuf) -> Option<String> {
        let editor = match self.editor {
            Value::Null => EditorSettings::default(),
            _ => match serde_json::from_value(self.editor.clone()) {
                Ok(editor) => editor,
                Err(error) => {
                    self.show_error(format!(
                        "ssot-graph initializationOptions: {error}; ignored"
                    ));
                    EditorSettings::default()
                }
            },
        };
        let settings = self.settings.with_editor(editor, &path);
        let (folder, unserved) = Folder::open(path, &settings);
        let known = (self.folders.iter()).any(|f| match (&f.workspace, &folder.workspace) {
            (Some(a), Some(b)) => a.same_as(b),
            _ => f.path == folder.path,
        });
        if !known {
            self.folders.push(folder);
        }
        unserved
    }

    /// The folder whose repository holds the file at `path`: the innermost root.
    fn folder_of(&self, path: &Path) -> Option<usize> {
        (0..self.folders.len())
            .filter(|&f| self.folders[f].holds(path))
            .max_by_key(|&f| {
                self.folders[f]
                    .workspace
                    .as_ref()
                    .map_or(0, |w| w.root.as_os_str().len())
            })
    }

    /// A document or file at `path` changed: its folder's project is to be read again.
    fn touch(&mut self, path: &Path) {
        if let Some(folder) = self.folder_of(path) {
            self.folders[folder].stale = true;
        }
    }

    fn stale(&self) -> bool {
        self.folders.iter().any(|f| f.stale)
    }

    /// Serves until `exit` or the client goes away; whether `shutdown` came first.
    pub fn main_loop(mut self) -> Result<bool> {
        while let Ok(message) = self.connection.receiver.recv() {
            let go_on = match message {
                Message::Request(request) => {
                    self.request(request);
                    true
                }
                Message::Notification(notification) => self.notification(notification),
                Message::Response(response) => {
                    self.response(response);
                    true
                }
            };
            if !go_on {
                break;
            }
            // Every queued change is applied before the project is read again.
            if self.stale() && self.connection.receiver.is_empty() {
                self.refresh();
            }
        }
        Ok(self.shut_down)
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shut_down {
            let message = "the server is shut down".to_string();
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                message,
            ));
            return;
        }
        let answered = match request.method.as_str() {
            ask::Shutdown::METHOD => {
                self.shut_down = true;
                Ok(Response::new_ok(id.clone(), Value::Null))
            }
            ask::Initialize::METHOD => Err((
                ErrorCode::InvalidRequest,
                "the server is already initialized".to_string(),
            )),
            ask::DocumentDiagnosticRequest::METHOD => self.document_diagnostic(&request),
            ask::WorkspaceDiagnosticRequest::METHOD => self.workspace_diagnostic(&request),
            ask::HoverRequest::METHOD
            | ask::GotoDefinition::METHOD
            | ask::GotoDeclaration::METHOD
            | ask::References::METHOD
            | ask::CodeActionRequest::METHOD
            | ask::PrepareRenameRequest::METHOD
            | ask::Rename::METHOD => {
                self.send_to_worker(request);
                return;
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method {method}"),
            )),
        };
        let response =
            answered.unwrap_or_else(|(code, message)| Response::new_err(id, code as i32, message));
        self.respond(response);
    }

    fn respond(&self, response: Response) {
        let _ = self.connection.sender.send(response.into());
    }

    fn notify<N: notify::Notification>(&self, params: N::Params) {
        let notification = Notification::new(N::METHOD.to_string(), params);
        let _ = self.connection.sender.send(notification.into());
    }

    fn ask<R: ask::Request>(&mut self, params: R::Params) -> RequestId {
        self.outgoing += 1;
        let id = RequestId::from(format!("ssot-graph-{}", self.outgoing));
        let request = Request::new(id.clone(), R::METHOD.to_string(), params);
        let _ = self.connection.sender.send(request.into());
        id
    }

    /// Asks the editor for its `ssot-graph` settings (`root`, `config`).
    fn ask_configuration(&mut self) {
        if !self.client.configures {
            return;
        }
        let items = (self.folders.iter())
            .map(|folder| ConfigurationItem {
                scope_uri: super::documents::uri_of(&folder.path),
                section: Some("ssot-graph".to_string()),
            })
            .collect();
        let id = self.ask::<ask::WorkspaceConfiguration>(ConfigurationParams { items });
        self.asked_configuration = Some(id);
    }

    /// The client's answer to a request of the server's: the settings asked for are
    /// taken, and the repository opened again when they name another root or config.
    fn response(&mut self, response: Response) {
        if self.asked_configuration.as_ref() != Some(&response.id) {
            return;
        }
        self.asked_configuration = None;
        let Ok(Value::Array(values)) = response.response_result else {
            return;
        };
        // One answer per folder asked about, in order.
        for (index, value) in values.into_iter().enumerate().take(self.folders.len()) {
            let editor: EditorSettings = match value {
                Value::Null => continue,
                value => match serde_json::from_value(value) {
                    Ok(editor) => editor,
                    Err(error) => {
                        self.show_error(format!("ssot-graph settings: {error}"));
                        continue;
                    }
                },
            };
            if editor.root.is_none() && editor.config.is_none() {
                continue;
            }
            let path = self.folders[index].path.clone();
            let settings = self.settings.with_editor(editor, &path);
            let (opened, unserved) = Folder::open(path, &settings);
            if let Some(why) = unserved {
                self.show_error(why);
                continue;
            }
            let folder = &mut self.folders[index];
            let same = match (&folder.workspace, &opened.workspace) {
                (Some(a), Some(b)) => a.same_as(b),
                _ => false,
            };
            if !same {
                *folder = opened;
            }
        }
    }

    /// Shows an error in the editor, unless it is the one shown last.
    fn show_error(&mut self, message: String) {
        eprintln!("{message}");
        if self.shown.as_ref() == Some(&message) {
            return;
        }
        self.notify::<notify::ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message: message.clone(),
        });
        self.shown = Some(message);
    }

    /// Applies a notification; `false` on `exit`.
    fn notification(&mut self, notification: Notification) -> bool {
        let method = notification.method.clone();
        let applied = match method.as_str() {
            notify::Exit::METHOD => return false,
            notify::DidOpenTextDocument::METHOD => {
                params::<DidOpenTextDocumentParams>(notification).map(|p| {
                    let uri = p.text_document.uri.clone();
                    let d = p.text_document;
                    if let Some(document) = self.documents.open(d.uri, d.version, d.text) {
                        let path = document.path.clone();
                        self.edited.push(uri.as_str().to_string());
                        self.touch(&path);
                    }
                })
            }
            notify::DidChangeTextDocument::METHOD => {
                params::<DidChangeTextDocumentParams>(notification).and_then(|p| {
                    let uri = p.text_document.uri;
                    let version = p.text_document.version;
                    self.documents
                        .change(&uri, version, p.content_changes, self.encoding)?;
                    self.edited.push(uri.as_str().to_string());
                    if let Some(path) = file_of(&uri) {
                        self.touch(&path);
                    }
                    Ok(())
                })
            }
            notify::DidCloseTextDocument::METHOD => {
                params::<DidCloseTextDocumentParams>(notification).map(|p| {
                    let uri = p.text_document.uri;
                    if let Some(document) = self.documents.close(&uri) {
                        self.touch(&document.path);
                    }
                    if self.diagnostics.remove(uri.as_str()).is_some() && !self.client.pulls {
                        self.publish(uri, None, Vec::new());
                    }
                })
            }
            notify::DidSaveTextDocument::METHOD => {
                params::<DidSaveTextDocumentParams>(notification).map(|p| {
                    if let Some(path) = file_of(&p.text_document.uri) {
                        self.touch(&path);
                    }
                })
            }
            notify::DidChangeWorkspaceFolders::METHOD => {
                params::<DidChangeWorkspaceFoldersParams>(notification).map(|p| {
                    let removed: Vec<PathBuf> = (p.event.removed.iter())
                        .filter_map(|f| path_of(&f.uri))
                        .collect();
                    self.folders
                        .retain(|folder| !removed.contains(&folder.path));
                    for added in p.event.added.iter().filter_map(|f| path_of(&f.uri)) {
                        if let Some(why) = self.add_folder(added) {
                            self.show_error(why);
                        }
                    }
                    self.ask_configuration();
                })
            }
            notify::DidChangeWatchedFiles::METHOD => {
                params::<DidChangeWatchedFilesParams>(notification).map(|p| {
                    for change in &p.changes {
                        let Some(path) = file_of(&change.uri) else {
                            continue;
                        };
                        let Some(folder) = self.folder_of(&path) else {
                            continue;
                        };
                        if path.extension().is_some_and(|e| e == "toml") {
                            self.reload_settings(folder);
                        }
                        self.folders[folder].drifted(path);
                    }
                })
            }
            notify::DidChangeConfiguration::METHOD => {
                for folder in 0..self.folders.len() {
                    self.reload_settings(folder);
                    self.folders[folder].stale = true;
                }
                self.ask_configuration();
                Ok(())
            }
            notify::Cancel::METHOD => params::<CancelParams>(notification).map(|p| {
                let id = match p.id {
                    NumberOrString::Number(n) => RequestId::from(n),
                    NumberOrString::String(s) => RequestId::from(s),
                };
                self.workers.cancel(id);
            }),
            _ => Ok(()),
        };
        if let Err(error) = applied {
            eprintln!("ssot-graph server: {method}: {error}");
        }
        true
    }

    fn reload_settings(&mut self, folder: usize) {
        let reloaded = match &mut self.folders[folder].workspace {
            Some(workspace) => workspace.reload_config(),
            None => return,
        };
        if let Err(error) = reloaded {
            self.show_error(format!("ssot-graph: {error:#}"));
        }
    }

    /// Asks the client to say when a Python file or a settings file changes on disk.
    fn watch_files(&mut self) {
        if !self.client.registers_watchers {
            return;
        }
        let mut globs = vec![
            "**/*.py".to_string(),
            "**/*.pyi".to_string(),
            "**/pyproject.toml".to_string(),
            "**/ssot-graph.toml".to_string(),
        ];
        for folder in &self.folders {
            let queries = folder
                .workspace
                .as_ref()
                .map_or("queries", |w| w.config.queries_dir());
            let glob = format!("**/{}/*.toml", queries.trim_end_matches('/'));
            if !globs.contains(&glob) {
                globs.push(glob);
            }
        }
        let watchers: Vec<FileSystemWatcher> = globs
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "ssot-graph-watched-files".to_string(),
            method: notify::DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.ask::<ask::RegisterCapability>(RegistrationParams {
            registrations: vec![registration],
        });
    }

    /// Reads the project again with the documents as they are now, and works out their
    /// diagnostics: pushed when the client does not pull them.
    fn refresh(&mut self) {
        let started = std::time::Instant::now();
        // Without the client saying which files change on disk, each read compares them.
        let watched = self.client.registers_watchers;
        let stale: Vec<usize> = (0..self.folders.len())
            .filter(|&f| self.folders[f].stale)
            .collect();
        for &folder in &stale {
            self.folders[folder].refresh(&self.documents, watched);
        }
        let read_in = started.elapsed();
        self.diagnose(&stale);
        if std::env::var_os("SSOT_GRAPH_SERVER_TIMES").is_some() {
            eprintln!(
                "ssot-graph server: read in {:.1} ms, checked in {:.1} ms",
                read_in.as_secs_f64() * 1e3,
                (started.elapsed() - read_in).as_secs_f64() * 1e3
            );
        }
    }

    fn open_texts(&self) -> OpenTexts {
        Arc::new(
            self.documents
                .iter()
                .map(|d| (d.path.clone(), d.text.clone()))
                .collect(),
        )
    }

    /// Works out the diagnostics of the open documents of the folders `read` again (and
    /// of those in no folder), and tells the client of those that changed.
    fn diagnose(&mut self, read: &[usize]) {
        // By URI, of the open documents of each folder read.
        let mut found: FxHashMap<String, Vec<Diagnostic>> = FxHashMap::default();
        // The folders checked: the documents of the others keep what they had.
        let mut done = Vec::new();
        let texts = self.open_texts();
        for &index in read {
            let folder = &self.folders[index];
            let (Some(project), Some(workspace)) = (&folder.project, &folder.workspace) else {
                continue;
            };
            let mut places = Places::new(&workspace.root, texts.clone(), self.encoding);
            let paths: Vec<PathBuf> = (self.documents.iter())
                .filter(|d| self.folder_of(&d.path) == Some(index))
                .map(|d| d.path.clone())
                .collect();
            let (config, project) = (workspace.config.clone(), project.clone());
            let root = workspace.root.clone();
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                diagnostics::of_files(&project, &config, paths, &mut places)
            }));
            match checked {
                Ok(Ok(by_rel)) => {
                    self.shown = None;
                    done.push(index);
                    for (rel, diagnostics) in by_rel {
                        if let Some(uri) = (self.documents.iter())
                            .find(|d| d.path == root.join(&rel))
                            .map(|d| d.uri.as_str().to_string())
                        {
                            found.insert(uri, diagnostics);
                        }
                    }
                }
                // A file read without being compared had changed: compare them all.
                Ok(Err(error)) if error.is::<crate::commands::check::Recheck>() => {
                    let folder = &mut self.folders[index];
                    folder.compare_all = true;
                    folder.stale = true;
                }
                Ok(Err(error)) => self.show_error(format!("ssot-graph: {error:#}")),
                Err(_) => {
                    eprintln!("ssot-graph server: checking failed (a bug: please report it)");
                }
            }
        }
        self.generation += 1;
        let documents: Vec<(Uri, i32)> = (self.documents.iter())
            .filter(|d| self.folder_of(&d.path).is_none_or(|f| done.contains(&f)))
            .map(|d| (d.uri.clone(), d.version))
            .collect();
        // Edits of documents not checked now are said with the next check of theirs.
        let (edited, later): (Vec<String>, Vec<String>) = std::mem::take(&mut self.edited)
            .into_iter()
            .partition(|key| documents.iter().any(|(uri, _)| uri.as_str() == key));
        self.edited = later;
        let mut others_changed = false;
        for (uri, version) in documents {
            let new = found.remove(uri.as_str()).unwrap_or_default();
            let key = uri.as_str().to_string();
            let was_edited = edited.contains(&key);
            // An edited document's are said again even when the same: they are of its
            // new version.
            if self.diagnostics.get(&key) == Some(&new) && !was_edited {
                continue;
            }
            others_changed |= !was_edited;
            self.diagnostics.insert(key, new.clone());
            if !self.client.pulls {
                self.publish(uri, Some(version), new);
            }
        }
        if self.client.pulls && self.client.refreshes && others_changed {
            self.ask::<ask::WorkspaceDiagnosticRefresh>(());
        }
    }

    fn publish(&self, uri: Uri, version: Option<i32>, diagnostics: Vec<Diagnostic>) {
        self.notify::<notify::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    fn up_to_date(&mut self) {
        if self.stale() {
            self.refresh();
        }
    }

    fn document_diagnostic(&mut self, request: &Request) -> Answer {
        let params: DocumentDiagnosticParams = extract(request)?;
        self.up_to_date();
        let result_id = self.generation.to_string();
        let key = params.text_document.uri.as_str();
        // A file not open is checked as it is on disk, when asked.
        let unopened = match self.diagnostics.contains_key(key) {
            true => None,
            false => Some(self.diagnostics_of_unopened(&params.text_document.uri)),
        };
        let found = unopened.as_ref().or(self.diagnostics.get(key));
        let report = match (params.previous_result_id, found) {
            (Some(previous), Some(_)) if previous == result_id && unopened.is_none() => {
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id,
                    },
                })
            }
            (_, found) => DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(result_id),
                    items: found.cloned().unwrap_or_default(),
                },
            }),
        };
        ok(request, DocumentDiagnosticReportResult::Report(report))
    }

    /// The diagnostics of a file of the project the editor has not opened.
    fn diagnostics_of_unopened(&self, uri: &Uri) -> Vec<Diagnostic> {
        let Some(path) = file_of(uri) else {
            return Vec::new();
        };
        let Some(folder) = self.folder_of(&path).map(|f| &self.folders[f]) else {
            return Vec::new();
        };
        let (Some(project), Some(workspace)) = (&folder.project, &folder.workspace) else {
            return Vec::new();
        };
        let mut places = Places::new(&workspace.root, self.open_texts(), self.encoding);
        let found = diagnostics::of_files(project, &workspace.config, vec![path], &mut places);
        found
            .ok()
            .and_then(|by_rel| by_rel.into_values().next())
            .unwrap_or_default()
    }

    fn workspace_diagnostic(&mut self, request: &Request) -> Answer {
        let _: WorkspaceDiagnosticParams = extract(request)?;
        self.up_to_date();
        let result_id = self.generation.to_string();
        let items = self
            .documents
            .iter()
            .map(|d| {
                WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                    uri: d.uri.clone(),
                    version: Some(d.version as i64),
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some(result_id.clone()),
                        items: self
                            .diagnostics
                            .get(d.uri.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    },
                })
            })
            .collect();
        ok(
            request,
            WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }),
        )
    }

    /// Sends a request about a place in a document to a worker, with the project as it
    /// stands now.
    fn send_to_worker(&mut self, request: Request) {
        self.up_to_date();
        let id = request.id.clone();
        // Every request sent here is about a place in a document.
        let Some(uri) = request.params.pointer("/textDocument/uri") else {
            let message = format!("{}: no textDocument.uri", request.method);
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                message,
            ));
            return;
        };
        let folder = Some(uri)
            .and_then(|uri| uri.as_str()?.parse::<Uri>().ok())
            .and_then(|uri| file_of(&uri))
            .and_then(|path| self.folder_of(&path))
            .map(|f| &self.folders[f]);
        let served = folder.and_then(|f| Some((f.project.clone()?, f.workspace.as_ref()?)));
        let Some((project, workspace)) = served else {
            self.respond(Response::new_ok(id, Value::Null));
            return;
        };
        let config = workspace.config.clone();
        let places = Places::new(&workspace.root, self.open_texts(), self.encoding);
        let root = workspace.root.clone();
        let job = move || answer(request, &project, &config, places, &root);
        self.workers.submit(id, Box::new(job));
    }
}

/// A request's response, or the error to answer it with.
type Answer = std::result::Result<Response, (ErrorCode, String)>;

fn extract<P: DeserializeOwned>(request: &Request) -> std::result::Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params.clone())
        .map_err(|e| (ErrorCode::InvalidParams, format!("{}: {e}", request.method)))
}

fn ok<R: serde::Serialize>(request: &Request, result: R) -> Answer {
    Ok(Response::new_ok(request.id.clone(), result))
}

fn params<P: DeserializeOwned>(notification: Notification) -> std::result::Result<P, String> {
    serde_json::from_value(notification.params).map_err(|e| e.to_string())
}

/// The root-relative path of the document `uri` names, when it is under `root`.
fn relative(root: &std::path::Path, uri: &Uri) -> Option<String> {
    crate::files::relative(root, &file_of(uri)?)
}

/// A worker's answer to a request about a place in a document.
fn answer(
    request: Request,
    project: &Project,
    config: &Config,
    mut places: Places,
    root: &std::path::Path,
) -> Response {
    let answered = answer_with(&request, project, config, &mut places, root);
    answered.unwrap_or_else(|(code, message)| Response::new_err(request.id, code as i32, message))
}

fn answer_with(
    request: &Request,
    project: &Project,
    config: &Config,
    places: &mut Places,
    root: &std::path::Path,
) -> Answer {
    let place = |params: &TextDocumentPositionParams| {
        relative(root, &params.text_document.uri).map(|rel| (rel, params.position))
    };
    match request.method.as_str() {
        ask::HoverRequest::METHOD => {
            let params: HoverParams = extract(request)?;
            let found = place(&params.text_document_position_params)
                .and_then(|(rel, at)| answers::hover(project, config, places, &rel, at));
            ok(request, found)
        }
        ask::GotoDefinition::METHOD => {
            let params: GotoDefinitionParams = extract(request)?;
            let found = place(&params.text_document_position_params)
                .and_then(|(rel, at)| answers::definition(project, places, &rel, at));
            ok(request, found.map(GotoDefinitionResponse::Scalar))
        }
        ask::GotoDeclaration::METHOD => {
            let params: GotoDefinitionParams = extract(request)?;
            let found = place(&params.text_document_position_params)
                .and_then(|(rel, at)| answers::declaration(project, places, &rel, at));
            ok(request, found.map(GotoDefinitionResponse::Scalar))
        }
        ask::References::METHOD => {
            let params: ReferenceParams = extract(request)?;
            let with_declaration = params.context.include_declaration;
            let found = place(&params.text_document_position).and_then(|(rel, at)| {
                answers::references(project, places, &rel, at, with_declaration)
            });
            ok(request, found)
        }
        ask::CodeActionRequest::METHOD => {
            let params: CodeActionParams = extract(request)?;
            let Some(rel) = relative(root, &params.text_document.uri) else {
                return ok(request, Vec::<CodeActionOrCommand>::new());
            };
            let actions = actions::for_range(
                project,
                config,
                places,
                &rel,
                params.range,
                params.context.only.as_deref(),
            )
            .map_err(|e| (ErrorCode::RequestFailed, format!("{e:#}")))?;
            let actions: Vec<CodeActionOrCommand> = actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect();
            ok(request, actions)
        }
        ask::PrepareRenameRequest::METHOD => {
            let params: TextDocumentPositionParams = extract(request)?;
            let Some((rel, at)) = place(&params) else {
                return ok(request, Value::Null);
            };
            let prepared = rename::prepare(project, places, &rel, at)
                .map_err(|why| (ErrorCode::RequestFailed, why))?;
            ok(request, prepared)
        }
        ask::Rename::METHOD => {
            let params: RenameParams = extract(request)?;
            let Some((rel, at)) = place(&params.text_document_position) else {
                return ok(request, Value::Null);
            };
            let edit = rename::edit(project, config, places, &rel, at, &params.new_name)
                .map_err(|why| (ErrorCode::RequestFailed, why))?;
            ok(request, edit)
        }
        method => Err((
            ErrorCode::MethodNotFound,
            format!("unknown method {method}"),
        )),
    }
}

fn capabilities(encoding: Encoding, client: &Client) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        declaration_provider: Some(DeclarationCapability::Simple(true)),
        references_provider: Some(OneOf::Left(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(actions::FIX_ALL),
            ]),
            ..CodeActionOptions::default()
        })),
        diagnostic_provider: client.pulls.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(diagnostics::SOURCE.to_string()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                ..DiagnosticOptions::default()
            })
        }),
        ..ServerCapabilities::default()
    }
}
