"""`ssot-graph server` driven by pytest-lsp with the capabilities of real editors
(VS Code, which takes pushed diagnostics, and Neovim 0.11, which pulls them): open,
edit, diagnostics appear and clear, hover text, definition, references, and a code
action applied gives the text `fix` writes.

    SSOT_GRAPH_BIN=target/release/ssot-graph bench/venv-lsp/bin/pytest tests/lsp
"""

import os
import pathlib
import shutil
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("SSOT_GRAPH_BIN", REPO / "target/release/ssot-graph"))
CHAT_AGENT = "netra_backend/app/agents/chat_agent.py"
EDITORS = ["visual_studio_code", "neovim@v0.11.0"]


def seed(into: pathlib.Path) -> pathlib.Path:
    """The bundled example with its rules, as `README.md` runs it."""
    root = into / "seed"
    shutil.copytree(REPO / "tests/fixtures/seed", root, ignore=shutil.ignore_patterns(".ssot-graph-cache"))
    (root / "queries").mkdir()
    shutil.copy(REPO / "queries/websocket.toml", root / "queries")
    return root


@pytest_lsp.fixture(params=EDITORS, config=ClientServerConfig(server_command=[BIN, "server"]))
async def client(request, lsp_client: LanguageClient, tmp_path):
    root = seed(tmp_path)
    lsp_client.root = root
    # The server asks the editor to watch files; the editor agrees.
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    lsp_client.pulls = request.param.startswith("neovim")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="seed")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def uri(client, rel):
    return (client.root / rel).as_uri()


def open_file(client, rel, text=None):
    text = (client.root / rel).read_text() if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(client, rel), language_id="python", version=1, text=text)
        )
    )
    return text


def change(client, rel, version, text):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(client, rel), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics(client, rel, version):
    """The document's diagnostics at `version`: pulled, or as pushed for that version."""
    if client.pulls:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri(client, rel)))
        )
        return report.items
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri(client, rel) and params.version == version:
            return params.diagnostics


def brief(found):
    return [
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in found
    ]


@pytest.mark.asyncio(loop_scope="function")
async def test_diagnostics_appear_on_the_imported_names_and_clear(client):
    saved = open_file(client, CHAT_AGENT)
    assert brief(await diagnostics(client, CHAT_AGENT, 1)) == [
        ("deprecated-auto", 0, 53, 0, 69),
        ("canonical-notifier", 1, 39, 1, 56),
    ]
    change(client, CHAT_AGENT, 2, "import os\n")
    assert list(await diagnostics(client, CHAT_AGENT, 2)) == []
    change(client, CHAT_AGENT, 3, saved)
    assert len(await diagnostics(client, CHAT_AGENT, 3)) == 2


@pytest.mark.asyncio(loop_scope="function")
async def test_hover_shows_the_chain(client):
    open_file(client, CHAT_AGENT)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, CHAT_AGENT)),
            position=types.Position(line=1, character=45),
        )
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == (
        "**`netra_backend.app.services.WebSocketNotifier`** → class "
        "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier "
        "(netra_backend/app/services/agent_websocket_bridge.py:5)\n"
        "\nChain:\n"
        "1. `netra_backend.app.services.WebSocketNotifier` (from-import, "
        "`netra_backend/app/services/__init__.py:1`)\n"
        "\nCanonical import: `from netra_backend.app.services.agent_websocket_bridge import "
        "WebSocketNotifier` (rule `canonical-notifier`)\n"
        "\nReferences: 10 in 5 files\n"
    )


@pytest.mark.asyncio(loop_scope="function")
async def test_definition_is_the_true_definition(client):
    open_file(client, CHAT_AGENT)
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, CHAT_AGENT)),
            position=types.Position(line=5, character=12),
        )
    )
    assert found.uri == uri(client, "netra_backend/app/services/agent_websocket_bridge.py")
    assert (found.range.start.line, found.range.start.character) == (4, 6)


@pytest.mark.asyncio(loop_scope="function")
async def test_references_are_those_refs_prints(client):
    open_file(client, CHAT_AGENT)
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, CHAT_AGENT)),
            position=types.Position(line=1, character=45),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    places = sorted(
        f"{pathlib.Path(l.uri.removeprefix('file://')).relative_to(client.root)}:"
        f"{l.range.start.line + 1}:{l.range.start.character + 1}"
        for l in found
    )
    refs = subprocess.run(
        [BIN, "--root", client.root, "--format", "json", "refs",
         "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier"],
        capture_output=True, text=True, check=True,
    ).stdout
    import json
    expected = sorted(f"{r['path']}:{r['line']}:{r['col']}" for r in json.loads(refs)["references"])
    assert places == expected


@pytest.mark.asyncio(loop_scope="function")
async def test_the_quick_fix_gives_the_text_fix_writes(client):
    saved = open_file(client, CHAT_AGENT)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, CHAT_AGENT)),
            range=types.Range(start=types.Position(line=1, character=45), end=types.Position(line=1, character=45)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert [a.title for a in actions] == [
        "Import `netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier` instead"
    ]
    edits = actions[0].edit.changes[uri(client, CHAT_AGENT)]
    applied = apply(saved, edits)
    subprocess.run([BIN, "--root", client.root, "fix", client.root / CHAT_AGENT], check=True, capture_output=True)
    assert applied == (client.root / CHAT_AGENT).read_text()


def apply(text, edits):
    """UTF-16 text edits applied to `text` (every line here is ASCII)."""
    lines = text.splitlines(keepends=True)
    offset = lambda p: sum(len(l) for l in lines[: p.line]) + p.character
    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text
