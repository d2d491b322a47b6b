"""The language server's latencies on a real tree, through a real LSP client (pygls).

    bench/venv-lsp/bin/python bench/server_speed.py ROOT FILE [--edits N] [--server CMD...]

Prints, for `ssot-graph server` (or any server given with --server, e.g. `ty server`):
  - initial diagnostics of FILE after didOpen, with a warm cache snapshot;
  - diagnostics after each didChange of FILE (an edit that changes an import), median
    and 90th percentile over N edits;
  - hover and find-references on the imports of FILE, median;
  - the server's resident memory before and after the edits.
Diagnostics are taken pushed (publishDiagnostics) when the server pushes them, else
pulled (textDocument/diagnostic) right after the change.
"""

import argparse
import asyncio
import os
import re
import statistics
import sys
import time

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("file")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--server", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    path = os.path.join(root, args.file)
    uri = "file://" + path
    command = args.server or [
        os.path.abspath(os.environ.get("SSOT_GRAPH_BIN", "target/release/ssot-graph")), "--root", root, "server"
    ]
    client = LanguageClient("bench", "1")
    published = {}
    arrived = asyncio.Event()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params):
        if params.uri == uri:
            published[params.version] = (time.perf_counter(), len(params.diagnostics))
            arrived.set()

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def on_register(params):
        return None

    @client.feature(lsp.WORKSPACE_DIAGNOSTIC_REFRESH)
    def on_refresh(params):
        return None

    # ty 1.2's notebookDocumentSync does not fit lsprotocol 2025.0's types: it is not
    # used here, so it is not read.
    client.protocol._converter.register_structure_hook(
        lsp.NotebookDocumentSyncOptions, lambda value, kind: None
    )
    await client.start_io(command[0], *command[1:], cwd=root)
    pid = client._server.pid
    init = await client.initialize_async(
        lsp.InitializeParams(
            process_id=os.getpid(),
            root_uri="file://" + root,
            capabilities=lsp.ClientCapabilities(
                general=lsp.GeneralClientCapabilities(position_encodings=["utf-16"]),
                text_document=lsp.TextDocumentClientCapabilities(
                    publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities()
                ),
                # As VS Code: the editor watches the files and says when they change.
                workspace=lsp.WorkspaceClientCapabilities(
                    did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(
                        dynamic_registration=True
                    )
                ),
            ),
        )
    )
    pushes = init.capabilities.diagnostic_provider is None
    client.initialized(lsp.InitializedParams())
    text = open(path).read()

    async def diagnostics_of(version, sent):
        if not pushes:
            await client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            )
            return time.perf_counter() - sent
        while version not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 60)
        return published[version][0] - sent

    sent = time.perf_counter()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    opened = await diagnostics_of(1, sent)
    rss_before = rss_mb(pid)
    # Each edit adds or removes an import line at the top: the import graph changes.
    latencies = []
    memory = [rss_before]
    for n in range(args.edits):
        if n and n % 100 == 0:
            memory.append(rss_mb(pid))
        version = n + 2
        edited = ("import os.path\n" if n % 2 == 0 else "") + text
        sent = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=edited)],
            )
        )
        latencies.append(await diagnostics_of(version, sent))
    rss_after = rss_mb(pid)
    # Back to the saved text, then hover and references on every imported name.
    version = args.edits + 2
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await diagnostics_of(version, time.perf_counter())
    places = []
    for number, line in enumerate(text.splitlines()):
        found = re.match(r"from \S+ import (\w+)", line)
        if found:
            places.append(lsp.Position(line=number, character=found.start(1)))
    hovers, references = [], []
    answered = {"hover": 0, "references": 0}
    document = lsp.TextDocumentIdentifier(uri=uri)
    for _ in range(3):
        for place in places:
            sent = time.perf_counter()
            hover = await client.text_document_hover_async(
                lsp.HoverParams(text_document=document, position=place)
            )
            hovers.append(time.perf_counter() - sent)
            answered["hover"] += hover is not None
            sent = time.perf_counter()
            found = await client.text_document_references_async(
                lsp.ReferenceParams(
                    text_document=document,
                    position=place,
                    context=lsp.ReferenceContext(include_declaration=False),
                )
            )
            references.append(time.perf_counter() - sent)
            answered["references"] += len(found or [])
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    latencies.sort()
    print(f"server: {' '.join(command)}")
    print(f"initial diagnostics: {ms(opened)}")
    print(
        f"diagnostics after didChange: median {ms(statistics.median(latencies))}, "
        f"p90 {ms(latencies[int(len(latencies) * 0.9) - 1])} over {len(latencies)} edits"
    )
    if hovers:
        print(
            f"hover: median {ms(statistics.median(hovers))} over {len(hovers)} "
            f"({answered['hover']} answered)"
        )
        print(
            f"references: median {ms(statistics.median(references))} over {len(references)} "
            f"({answered['references']} locations in all)"
        )
    print(f"memory: {rss_before:.0f} MB before the edits, {rss_after:.0f} MB after")
    print("memory every 100 edits (MB): " + " ".join(f"{m:.0f}" for m in memory + [rss_after]))


asyncio.run(main())
