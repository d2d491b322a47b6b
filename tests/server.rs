//! `server`: the language server through the protocol, as an editor drives it — open,
//! edit, diagnostics appear and clear, hover, definition, references, code actions — and
//! the bad input it must live through.

mod common;

use std::path::Path;
use std::time::Duration;

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use common::seed_repo;

const CHAT_AGENT: &str = "netra_backend/app/agents/chat_agent.py";

/// A response, as a result or an error.
struct Reply {
    result: Option<Value>,
    error: Option<lsp_server::ResponseError>,
}

impl From<Response> for Reply {
    fn from(response: Response) -> Reply {
        match response.response_result {
            Ok(result) => Reply {
                result: Some(result),
                error: None,
            },
            Err(error) => Reply {
                result: None,
                error: Some(error),
            },
        }
    }
}

/// A client talking to a server that runs in this process over `Connection::memory()`.
struct Client {
    connection: Connection,
    root: String,
    next_id: i32,
    server: Option<std::thread::JoinHandle<anyhow::Result<bool>>>,
    /// Notifications and server requests that came while waiting for something else.
    seen: Vec<Message>,
}

/// VS Code's client: UTF-16 positions only, pulls diagnostics.
fn vscode() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {"diagnostic": {"dynamicRegistration": true, "relatedDocumentSupport": false},
                          "publishDiagnostics": {"relatedInformation": true}},
        "workspace": {"diagnostics": {"refreshSupport": true},
                      "didChangeWatchedFiles": {"dynamicRegistration": true}}
    })
}

/// Neovim's client: UTF-8 first, diagnostics pushed.
fn neovim() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {"publishDiagnostics": {"relatedInformation": true}}
    })
}

impl Client {
    /// A server with `settings`, not yet initialized; places are written from `root`.
    fn spawn(root: &Path, settings: ssot_graph::server::Settings) -> Client {
        let (server, connection) = Connection::memory();
        let server = std::thread::Builder::new()
            .stack_size(ssot_graph::STACK_BYTES)
            .spawn(move || ssot_graph::server::serve(server, settings))
            .unwrap();
        Client {
            connection,
            root: root.canonicalize().unwrap().display().to_string(),
            next_id: 0,
            server: Some(server),
            seen: Vec::new(),
        }
    }

    fn start(root: &Path, capabilities: Value) -> (Client, Value) {
        let settings = ssot_graph::server::Settings {
            root: Some(root.to_path_buf()),
            ..Default::default()
        };
        let mut client = Client::spawn(root, settings);
        let uri = client.uri("");
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": capabilities}),
        );
        client.notify("initialized", json!({}));
        (client, result.result.unwrap())
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root)
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.to_string(), params);
        self.connection.sender.send(notification.into()).unwrap();
    }

    fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_string(), params);
        self.connection.sender.send(request.into()).unwrap();
        id
    }

    fn request(&mut self, method: &str, params: Value) -> Reply {
        let id = self.send(method, params);
        self.response(id)
    }

    fn response(&mut self, id: RequestId) -> Reply {
        loop {
            match self.next() {
                Message::Response(response) if response.id == id => return Reply::from(response),
                other => self.seen.push(other),
            }
        }
    }

    fn next(&mut self) -> Message {
        match self
            .connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
        {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("the server said nothing for a minute"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server went away"),
        }
    }

    /// The next diagnostics published for `rel` (among those already seen first).
    fn published(&mut self, rel: &str) -> Value {
        let uri = self.uri(rel);
        let is_it = |m: &Message| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri);
        if let Some(at) = self.seen.iter().position(is_it) {
            let Message::Notification(n) = self.seen.remove(at) else {
                unreachable!()
            };
            return n.params;
        }
        loop {
            let message = self.next();
            if is_it(&message) {
                let Message::Notification(n) = message else {
                    unreachable!()
                };
                return n.params;
            }
            self.seen.push(message);
        }
    }

    fn open(&self, rel: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": self.uri(rel), "languageId": "python", "version": 1, "text": text}}),
        );
    }

    fn change(&self, rel: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri(rel), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&self, rel: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": self.uri(rel)}, "position": {"line": line, "character": character}})
    }

    /// `value` as pretty JSON with the root written `[ROOT]`.
    fn show(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value)
            .unwrap()
            .replace(&format!("file://{}", self.root), "file://[ROOT]")
    }

    fn stop(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response.result, Some(Value::Null));
        self.notify("exit", Value::Null);
        // Shut down before the exit: a clean end.
        let served = self.server.take().unwrap().join().unwrap();
        assert!(served.as_ref().is_ok_and(|clean| *clean), "{served:?}");
    }
}

fn text_of(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// The ranges and codes of a set of diagnostics, one per line.
fn brief(diagnostics: &Value) -> String {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let r = &d["range"];
            format!(
                "{}:{}-{}:{} {} {}",
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn opening_a_file_pushes_its_findings_on_the_imported_names_with_the_chain() {
    let repo = seed_repo();
    let (mut client, initialized) = Client::start(repo.path(), neovim());
    assert_eq!(initialized["capabilities"]["positionEncoding"], "utf-8");
    assert!(
        initialized["capabilities"]
            .get("diagnosticProvider")
            .is_none()
    );
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    let published = client.published(CHAT_AGENT);
    insta::assert_snapshot!(client.show(&published));
    client.stop();
}

#[test]
fn an_unsaved_edit_is_what_is_checked_and_fixing_it_clears_the_finding() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), neovim());
    let saved = text_of(repo.path(), CHAT_AGENT);
    client.open(CHAT_AGENT, &saved);
    let before = client.published(CHAT_AGENT);
    assert_eq!(before["diagnostics"].as_array().unwrap().len(), 2);
    // The canonical path typed in, not saved: the canonical finding goes.
    let typed = saved.replace(
        "from netra_backend.app.services import WebSocketNotifier",
        "from netra_backend.app.services.agent_websocket_bridge import WebSocketNotifier",
    );
    client.change(CHAT_AGENT, 2, &typed);
    let after = client.published(CHAT_AGENT);
    assert_eq!(after["version"], 2);
    assert_eq!(
        brief(&after["diagnostics"]),
        "0:53-0:69 deprecated-auto `WebSocketManager`: netra_backend.app.websocket_core.manager is deprecated; import from netra_backend.app.websocket_core.websocket_manager"
    );
    // The file on disk is untouched, and the snapshot still describes it.
    assert_eq!(text_of(repo.path(), CHAT_AGENT), saved);
    let path = repo.path().join(CHAT_AGENT);
    let check = common::run(repo.path(), &["check", path.to_str().unwrap()]);
    assert!(
        check.stdout.contains("canonical-notifier"),
        "{}",
        check.stdout
    );
    // Back to the saved text: the finding is back.
    client.change(CHAT_AGENT, 3, &saved);
    let back = client.published(CHAT_AGENT);
    assert_eq!(back["diagnostics"].as_array().unwrap().len(), 2);
    client.stop();
}

#[test]
fn an_edit_in_one_file_refreshes_the_findings_of_another() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), neovim());
    let manager = "netra_backend/app/websocket_core/manager.py";
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    client.published(CHAT_AGENT);
    client.open(manager, &text_of(repo.path(), manager));
    client.published(manager);
    // The deprecation warning taken out of the (unsaved) compatibility module: the
    // importer's deprecated-auto finding goes.
    let quiet = "from netra_backend.app.websocket_core.websocket_manager import *  # noqa: F403\n";
    client.change(manager, 2, quiet);
    let importer = client.published(CHAT_AGENT);
    assert_eq!(
        brief(&importer["diagnostics"]),
        "1:39-1:56 canonical-notifier import WebSocketNotifier from its canonical module (imported from `netra_backend.app.services`)"
    );
    client.stop();
}

#[test]
fn pulled_diagnostics_are_full_then_unchanged_until_an_edit() {
    let repo = seed_repo();
    let (mut client, initialized) = Client::start(repo.path(), vscode());
    assert_eq!(initialized["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        initialized["capabilities"]["diagnosticProvider"],
        json!({"identifier": "ssot-graph", "interFileDependencies": true, "workspaceDiagnostics": true})
    );
    let saved = text_of(repo.path(), CHAT_AGENT);
    client.open(CHAT_AGENT, &saved);
    let document = json!({"textDocument": {"uri": client.uri(CHAT_AGENT)}});
    let full = client.request("textDocument/diagnostic", document.clone());
    let full = full.result.unwrap();
    assert_eq!(full["kind"], "full");
    assert_eq!(full["items"].as_array().unwrap().len(), 2);
    let mut again = document.clone();
    again["previousResultId"] = full["resultId"].clone();
    let unchanged = client.request("textDocument/diagnostic", again.clone());
    assert_eq!(unchanged.result.unwrap()["kind"], "unchanged");
    client.change(CHAT_AGENT, 2, "import os\n");
    let changed = client
        .request("textDocument/diagnostic", again)
        .result
        .unwrap();
    assert_eq!(changed["kind"], "full");
    assert_eq!(changed["items"], json!([]));
    let workspace = client.request("workspace/diagnostic", json!({"previousResultIds": []}));
    assert_eq!(workspace.result.unwrap()["items"][0]["items"], json!([]));
    // The client watches the files it was asked to.
    let watched = client.seen.iter().find_map(|m| match m {
        Message::Request(r) if r.method == "client/registerCapability" => Some(r.params.clone()),
        _ => None,
    });
    let watchers = &watched.unwrap()["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(
        watchers,
        &json!([{"globPattern": "**/*.py"}, {"globPattern": "**/*.pyi"},
                {"globPattern": "**/pyproject.toml"}, {"globPattern": "**/ssot-graph.toml"},
                {"globPattern": "**/queries/*.toml"}])
    );
    // No diagnostics are pushed to a client that pulls them.
    assert!(!client.seen.iter().any(
        |m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics")
    ));
    client.stop();
}

#[test]
fn hover_shows_the_chain_to_the_true_definition() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    // On the imported name, then on a use of it in the function body.
    let on_import = client.request("textDocument/hover", client.at(CHAT_AGENT, 0, 60));
    let on_use = client.request("textDocument/hover", client.at(CHAT_AGENT, 5, 30));
    let on_import = on_import.result.unwrap();
    insta::assert_snapshot!(on_import["contents"]["value"].as_str().unwrap());
    assert_eq!(
        on_import["range"],
        json!({"start": {"line": 0, "character": 53}, "end": {"line": 0, "character": 69}})
    );
    assert_eq!(on_use.result.unwrap()["contents"], on_import["contents"]);
    // Nothing to say on a blank line.
    let blank = client.request("textDocument/hover", client.at(CHAT_AGENT, 2, 0));
    assert_eq!(blank.result, Some(Value::Null));
    client.stop();
}

#[test]
fn definition_goes_through_every_reexport_and_declaration_to_the_import() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    let definition = client.request("textDocument/definition", client.at(CHAT_AGENT, 5, 30));
    let declaration = client.request("textDocument/declaration", client.at(CHAT_AGENT, 5, 30));
    insta::assert_snapshot!(format!(
        "definition: {}\ndeclaration: {}",
        client.show(&definition.result.unwrap()),
        client.show(&declaration.result.unwrap())
    ));
    client.stop();
}

#[test]
fn references_are_every_reference_refs_finds() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    let mut params = client.at(CHAT_AGENT, 1, 40);
    params["context"] = json!({"includeDeclaration": false});
    let found = client
        .request("textDocument/references", params)
        .result
        .unwrap();
    let places: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{}:{}:{}",
                l["uri"].as_str().unwrap().replace(&client.uri(""), ""),
                l["range"]["start"]["line"].as_u64().unwrap() + 1,
                l["range"]["start"]["character"].as_u64().unwrap() + 1
            )
        })
        .collect();
    let refs = common::ok(
        repo.path(),
        &[
            "refs",
            "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier",
        ],
    );
    for place in &places {
        assert!(
            refs.contains(place.as_str()),
            "{place} not in refs:\n{refs}"
        );
    }
    let listed = refs
        .lines()
        .filter(|l| {
            l.split(' ')
                .next()
                .is_some_and(|w| w.ends_with(':') && w.contains(".py:"))
        })
        .count();
    assert_eq!(places.len(), listed, "{places:?}\n{refs}");
    client.stop();
}

#[test]
fn the_quick_fix_writes_what_fix_writes() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    let saved = text_of(repo.path(), CHAT_AGENT);
    client.open(CHAT_AGENT, &saved);
    let range = json!({"start": {"line": 1, "character": 40}, "end": {"line": 1, "character": 40}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": client.uri(CHAT_AGENT)}, "range": range,
               "context": {"diagnostics": []}}),
    );
    let actions = actions.result.unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Import `netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier` instead",
            "Fix every ssot-graph finding in the file"
        ]
    );
    let edits = &actions[0]["edit"]["changes"][client.uri(CHAT_AGENT)];
    let applied = apply(&saved, edits);
    let path = repo.path().join(CHAT_AGENT);
    common::ok(repo.path(), &["fix", path.to_str().unwrap()]);
    assert_eq!(applied, text_of(repo.path(), CHAT_AGENT));
    client.stop();
}

/// `edits` (LSP text edits in UTF-16, one line each here) applied to `text`.
fn apply(text: &str, edits: &Value) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    let mut edits = edits.as_array().unwrap().clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e["range"]["start"]["line"].as_u64()));
    for edit in edits {
        let (start, end) = (&edit["range"]["start"], &edit["range"]["end"]);
        let (sl, el) = (
            start["line"].as_u64().unwrap() as usize,
            end["line"].as_u64().unwrap() as usize,
        );
        let joined: String = lines[sl..=el].concat();
        let start_at = nth_utf16(&lines[sl], start["character"].as_u64().unwrap() as usize);
        let end_at = joined.len() - lines[el].len()
            + nth_utf16(&lines[el], end["character"].as_u64().unwrap() as usize);
        let replaced = format!(
            "{}{}{}",
            &joined[..start_at],
            edit["newText"].as_str().unwrap(),
            &joined[end_at..]
        );
        lines.splice(sl..=el, [replaced]);
    }
    lines.concat()
}

fn nth_utf16(line: &str, units: usize) -> usize {
    let mut seen = 0;
    for (at, c) in line.char_indices() {
        if seen >= units {
            return at;
        }
        seen += c.len_utf16();
    }
    line.len()
}

#[test]
fn bad_input_never_stops_the_server() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), neovim());
    let unknown = client.request("textDocument/somethingElse", json!({}));
    assert_eq!(unknown.error.unwrap().code, -32601);
    let bad_params = client.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad_params.error.unwrap().code, -32602);
    // A change to a document never opened, and one outside the root.
    client.change("never/opened.py", 2, "import os\n");
    client.open("../outside.py", "import os\n");
    let outside = client.request("textDocument/hover", client.at("../outside.py", 0, 8));
    assert_eq!(outside.result, Some(Value::Null));
    // A buffer that does not parse: its imports are still checked.
    let broken = "from netra_backend.app.services import WebSocketNotifier\n\ndef broken(:\n";
    client.open(CHAT_AGENT, broken);
    let published = client.published(CHAT_AGENT);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("parse"))
        .collect();
    assert_eq!(codes, ["canonical-notifier", "parse"], "{published}");
    // A 10 MB buffer.
    let huge = format!("{}\n", "x = 1\n".repeat((10 << 20) / 6));
    client.change(CHAT_AGENT, 3, &huge);
    let after = client.request("textDocument/hover", client.at(CHAT_AGENT, 0, 0));
    assert!(after.error.is_none());
    // After shutdown, requests are refused; exit ends the server.
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown.result, Some(Value::Null));
    let late = client.request("textDocument/hover", client.at(CHAT_AGENT, 0, 0));
    assert_eq!(late.error.unwrap().code, -32600);
    client.notify("exit", Value::Null);
    assert!(client.server.take().unwrap().join().unwrap().is_ok());
}

#[test]
fn the_server_ends_when_the_client_goes_away() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), neovim());
    let server = client.server.take().unwrap();
    drop(client);
    // Not shut down first: the protocol's exit code 1.
    assert!(matches!(server.join().unwrap(), Ok(false)));
}

/// One message as the wire carries it.
fn framed(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn the_binary_skips_malformed_messages_and_exits_when_stdin_closes() {
    use std::io::{Read as _, Write as _};
    let repo = seed_repo();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_ssot-graph"))
        .arg("--root")
        .arg(repo.path())
        .arg("server")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = server.stdin.take().unwrap();
    let input = [
        framed("{not json"),
        framed(r#"{"jsonrpc":"2.0","method":42}"#),
        framed(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#),
        framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        framed(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
    ]
    .concat();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let status = server.wait().unwrap();
    let mut stdout = String::new();
    server
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        stdout.contains(r#""id":1,"result":{"capabilities""#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"{"jsonrpc":"2.0","id":2,"result":null}"#),
        "{stdout}"
    );
    assert_eq!(
        stderr
            .matches("ssot-graph server: skipped a message: malformed LSP payload")
            .count(),
        2,
        "{stderr}"
    );
}

#[test]
fn rename_edits_what_the_rename_command_writes() {
    let repo = seed_repo();
    let (mut client, initialized) = Client::start(repo.path(), vscode());
    assert_eq!(
        initialized["capabilities"]["renameProvider"],
        json!({"prepareProvider": true})
    );
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    let prepared = client.request("textDocument/prepareRename", client.at(CHAT_AGENT, 1, 45));
    assert_eq!(
        prepared.result.unwrap(),
        json!({"range": {"start": {"line": 1, "character": 39}, "end": {"line": 1, "character": 56}},
               "placeholder": "WebSocketNotifier"})
    );
    // A module is not renamed here.
    let module = client.request("textDocument/prepareRename", client.at(CHAT_AGENT, 1, 20));
    assert!(
        module
            .error
            .unwrap()
            .message
            .starts_with("only a definition")
    );
    let mut params = client.at(CHAT_AGENT, 1, 45);
    params["newName"] = json!("Notifier");
    let edit = client.request("textDocument/rename", params);
    assert!(edit.error.is_none(), "{:?}", edit.error);
    let edit = edit.result.unwrap();
    let mut edited = Vec::new();
    for (uri, edits) in edit["changes"].as_object().unwrap() {
        let rel = uri.strip_prefix(&client.uri("")).unwrap().to_string();
        edited.push((rel.clone(), apply(&text_of(repo.path(), &rel), edits)));
    }
    edited.sort();
    client.stop();
    common::ok(
        repo.path(),
        &[
            "rename",
            "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier",
            "Notifier",
        ],
    );
    assert_eq!(edited.len(), 5);
    for (rel, text) in edited {
        assert_eq!(text, text_of(repo.path(), &rel), "{rel}");
    }
}

#[test]
fn an_import_cycle_is_shown_in_every_file_of_it_at_the_import_that_carries_it_on() {
    let repo = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("cycles"), repo.path());
    common::write_file(
        repo.path(),
        "queries/cycles.toml",
        "[[rule]]\nid = \"no-order-cycles\"\nkind = \"no-cycles\"\nwithin = [\"orders.**\"]\n",
    );
    let (mut client, _) = Client::start(repo.path(), neovim());
    let mut shown = Vec::new();
    for rel in ["orders/a.py", "orders/b.py", "orders/c.py"] {
        client.open(rel, &text_of(repo.path(), rel));
        let published = client.published(rel);
        shown.push(format!("{rel}:\n{}", brief(&published["diagnostics"])));
    }
    insta::assert_snapshot!(shown.join("\n"));
    client.stop();
}

#[test]
fn the_editors_settings_choose_the_config() {
    let repo = seed_repo();
    common::write_file(
        repo.path(),
        "quiet.toml",
        "queries = \"no-rules-here\"\ndeprecated-auto = \"off\"\n",
    );
    std::fs::create_dir(repo.path().join("no-rules-here")).unwrap();
    let mut capabilities = neovim();
    capabilities["workspace"] = json!({"configuration": true});
    let (mut client, _) = Client::start(repo.path(), capabilities);
    // The server asks for its section once initialized; the answer names another config.
    let asked = loop {
        match client.next() {
            Message::Request(request) if request.method == "workspace/configuration" => {
                break request;
            }
            other => client.seen.push(other),
        }
    };
    assert_eq!(asked.params["items"][0]["section"], "ssot-graph");
    let answer = Response::new_ok(asked.id, json!([{"config": "quiet.toml"}]));
    client.connection.sender.send(answer.into()).unwrap();
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    let published = client.published(CHAT_AGENT);
    assert_eq!(published["diagnostics"], json!([]));
    client.stop();
}

#[test]
fn a_local_alias_is_not_renamed_as_the_definition_it_names() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    let dispatcher = "netra_backend/app/agents/tool_dispatcher.py";
    client.open(dispatcher, &text_of(repo.path(), dispatcher));
    // `WebSocketManager as Manager`: on `Manager`.
    let prepared = client.request("textDocument/prepareRename", client.at(dispatcher, 4, 27));
    let refused = prepared.error.unwrap().message;
    assert!(
        refused.starts_with("`Manager` is this file's name for `netra_backend.app.websocket_core.unified_manager._UnifiedWebSocketManagerImplementation`"),
        "{refused}"
    );
    let mut params = client.at(dispatcher, 4, 27);
    params["newName"] = json!("Mgr");
    assert!(
        client
            .request("textDocument/rename", params)
            .error
            .is_some()
    );
    client.stop();
}

#[test]
fn a_definition_is_hovered_and_declared_on_its_name() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    let bridge = "netra_backend/app/services/agent_websocket_bridge.py";
    client.open(bridge, &text_of(repo.path(), bridge));
    // `class WebSocketNotifier:`, on the last letters of the name.
    let hover = client
        .request("textDocument/hover", client.at(bridge, 4, 20))
        .result
        .unwrap();
    let name = json!({"start": {"line": 4, "character": 6}, "end": {"line": 4, "character": 23}});
    assert_eq!(hover["range"], name);
    let declared = client.request("textDocument/declaration", client.at(bridge, 4, 20));
    assert_eq!(declared.result.unwrap()["range"], name);
    client.stop();
}

#[test]
fn a_new_file_not_yet_saved_is_checked() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), neovim());
    let ghost = "netra_backend/app/agents/ghost.py";
    client.open(
        ghost,
        "from netra_backend.app.services import WebSocketNotifier\n",
    );
    let published = client.published(ghost);
    assert_eq!(
        brief(&published["diagnostics"]),
        "0:39-0:56 canonical-notifier import WebSocketNotifier from its canonical module (imported from `netra_backend.app.services`)"
    );
    assert!(!repo.path().join(ghost).exists());
    client.stop();
}

#[test]
fn a_latin_1_file_is_placed_in_the_text_python_reads() {
    let repo = seed_repo();
    let agent = "netra_backend/app/agents/latin.py";
    let mut bytes = b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'\n".to_vec();
    bytes.extend_from_slice(b"from netra_backend.app.services import WebSocketNotifier\n");
    std::fs::write(repo.path().join(agent), bytes).unwrap();
    common::age(repo.path());
    let (mut client, _) = Client::start(repo.path(), neovim());
    // The editor decodes the file; its text is what Python reads.
    let text = "# -*- coding: latin-1 -*-\nNAME = 'été'\nfrom netra_backend.app.services import WebSocketNotifier\n";
    client.open(agent, text);
    let published = client.published(agent);
    assert_eq!(
        brief(&published["diagnostics"]),
        "2:39-2:56 canonical-notifier import WebSocketNotifier from its canonical module (imported from `netra_backend.app.services`)"
    );
    client.stop();
}

#[test]
fn a_broken_rule_file_is_shown_once_not_on_every_keystroke() {
    let repo = seed_repo();
    common::write_file(repo.path(), "queries/broken.toml", "[[rule]\nid = \n");
    let (mut client, _) = Client::start(repo.path(), neovim());
    let saved = text_of(repo.path(), CHAT_AGENT);
    client.open(CHAT_AGENT, &saved);
    for version in 2..6 {
        client.change(CHAT_AGENT, version, &format!("{saved}\n"));
    }
    // A request answered after every change was applied.
    client.request("textDocument/hover", client.at(CHAT_AGENT, 0, 0));
    let shown: Vec<String> = client
        .seen
        .iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "window/showMessage" => {
                Some(n.params["message"].as_str().unwrap().to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("broken.toml"), "{shown:?}");
    client.stop();
}

#[test]
fn a_pulling_client_is_asked_to_pull_again_when_another_files_findings_change() {
    let repo = seed_repo();
    let (mut client, _) = Client::start(repo.path(), vscode());
    let manager = "netra_backend/app/websocket_core/manager.py";
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    client.open(manager, &text_of(repo.path(), manager));
    let pull = |client: &mut Client, rel: &str| {
        let document = json!({"textDocument": {"uri": client.uri(rel)}});
        client
            .request("textDocument/diagnostic", document)
            .result
            .unwrap()
    };
    assert_eq!(
        pull(&mut client, CHAT_AGENT)["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A file not open is checked when pulled.
    let dispatcher = pull(&mut client, "netra_backend/app/agents/tool_dispatcher.py");
    assert_eq!(dispatcher["items"][0]["code"], "agents-use-public-layer");
    client.change(
        manager,
        2,
        "from netra_backend.app.websocket_core.websocket_manager import *  # noqa: F403\n",
    );
    pull(&mut client, manager);
    let refresh = client
        .seen
        .iter()
        .any(|m| matches!(m, Message::Request(r) if r.method == "workspace/diagnostic/refresh"));
    assert!(refresh, "no refresh asked for");
    assert_eq!(
        pull(&mut client, CHAT_AGENT)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    client.stop();
}

#[test]
fn each_workspace_folder_is_served_from_its_own_repository() {
    let (seed, cycles) = (seed_repo(), tempfile::tempdir().unwrap());
    common::copy_dir(&common::fixture("cycles"), cycles.path());
    common::write_file(
        cycles.path(),
        "queries/cycles.toml",
        "[[rule]]\nid = \"no-order-cycles\"\nkind = \"no-cycles\"\nwithin = [\"orders.**\"]\n",
    );
    let uri_of = |path: &Path| format!("file://{}", path.canonicalize().unwrap().display());
    let mut client = Client::spawn(seed.path(), Default::default());
    let folders = json!([{"uri": uri_of(seed.path()), "name": "seed"},
                         {"uri": uri_of(cycles.path()), "name": "cycles"}]);
    let initialized = client.request(
        "initialize",
        json!({"processId": null, "capabilities": neovim(), "workspaceFolders": folders}),
    );
    assert_eq!(
        initialized.result.unwrap()["capabilities"]["workspace"]["workspaceFolders"],
        json!({"supported": true, "changeNotifications": true})
    );
    client.notify("initialized", json!({}));
    client.open(CHAT_AGENT, &text_of(seed.path(), CHAT_AGENT));
    assert_eq!(
        client.published(CHAT_AGENT)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A file of the other folder, checked by its own rules.
    let order = format!("{}/orders/b.py", uri_of(cycles.path()));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": order, "languageId": "python", "version": 1,
                                "text": text_of(cycles.path(), "orders/b.py")}}),
    );
    let published = loop {
        match client.next() {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == order =>
            {
                break n.params;
            }
            other => client.seen.push(other),
        }
    };
    assert_eq!(published["diagnostics"][0]["code"], "no-order-cycles");
    // The second folder removed: its files are no one's.
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": uri_of(cycles.path()), "name": "cycles"}]}}),
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": order}, "position": {"line": 0, "character": 10}}),
    );
    assert_eq!(hover.result, Some(Value::Null));
    client.stop();
}

#[test]
fn references_from_an_unsaved_buffer_leave_the_repositorys_cache_alone() {
    let repo = seed_repo();
    let notifier = "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier";
    common::ok(repo.path(), &["refs", notifier]);
    let index = repo.path().join(".ssot-graph-cache/references.bin");
    let before = std::fs::read(&index).unwrap();
    let (mut client, _) = Client::start(repo.path(), vscode());
    let unsaved = format!(
        "{}\nEXTRA = WebSocketNotifier\n",
        text_of(repo.path(), CHAT_AGENT)
    );
    client.open(CHAT_AGENT, &unsaved);
    let mut params = client.at(CHAT_AGENT, 1, 45);
    params["context"] = json!({"includeDeclaration": false});
    let found = client
        .request("textDocument/references", params)
        .result
        .unwrap();
    // The unsaved use is found; the stored index is the saved tree's still.
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["range"]["start"]["line"] == 7)
    );
    assert_eq!(std::fs::read(&index).unwrap(), before);
    client.stop();
}

#[test]
fn initialization_options_of_the_wrong_shape_are_said_and_ignored() {
    let repo = seed_repo();
    let mut client = Client::spawn(repo.path(), Default::default());
    let uri = client.uri("");
    let initialized = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri, "capabilities": neovim(),
               "initializationOptions": {"root": 5}}),
    );
    assert!(initialized.result.is_some());
    let said: Vec<&str> = client
        .seen
        .iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "window/showMessage" => {
                n.params["message"].as_str()
            }
            _ => None,
        })
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("ssot-graph initializationOptions: invalid type"),
        "{said:?}"
    );
    client.notify("initialized", json!({}));
    // Served from the folder all the same.
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    assert_eq!(
        client.published(CHAT_AGENT)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    client.stop();
}

#[test]
fn a_folder_that_is_no_project_gets_answers_and_nothing_written_into_it() {
    let folder = tempfile::tempdir().unwrap();
    common::write_file(folder.path(), "pkg/__init__.py", "");
    common::write_file(folder.path(), "pkg/a.py", "from pkg.b import X\n");
    common::write_file(folder.path(), "pkg/b.py", "X = 1\n");
    let mut client = Client::spawn(folder.path(), Default::default());
    let uri = client.uri("");
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri, "capabilities": neovim()}),
    );
    client.notify("initialized", json!({}));
    client.open("pkg/a.py", "from pkg.b import X\n");
    client.published("pkg/a.py");
    let definition = client.request("textDocument/definition", client.at("pkg/a.py", 0, 18));
    assert_eq!(
        definition.result.unwrap()["uri"],
        json!(client.uri("pkg/b.py"))
    );
    client.stop();
    let mut names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["pkg"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_opened_in_the_editor_does_not_block_the_server() {
    let repo = seed_repo();
    let fifo = repo.path().join("netra_backend/app/pipe.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (mut client, _) = Client::start(repo.path(), neovim());
    client.open("netra_backend/app/pipe.py", "import os\n");
    client.open(CHAT_AGENT, &text_of(repo.path(), CHAT_AGENT));
    assert_eq!(
        client.published(CHAT_AGENT)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    client.stop();
}
