"""pytest plugin: run only the tests a change can break, as `ssot-graph affected` selects them.

    pytest -p ssot_graph.affected --affected-since origin/main
    pytest -p ssot_graph.affected --affected-staged
    pytest -p ssot_graph.affected --affected-since origin/main --affected-report-only
    pytest -p ssot_graph.affected --affected-since origin/main --affected-symbols

Test files ssot-graph does not select are deselected (pytest reports them as such);
files it does not know as test files (doctests of modules, non-Python tests) always run.
With --affected-report-only nothing is deselected: the run warns about each failing test
that the selection would have skipped, so a team can check the selection before relying
on it. The binary is the one this package installed, or $SSOT_GRAPH_BIN.
"""

import json
import os
import shutil
import subprocess

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("ssot-graph", "select tests with ssot-graph affected")
    group.addoption(
        "--affected-since",
        metavar="REV",
        help="run only the test files that the changes since REV can reach",
    )
    group.addoption(
        "--affected-staged",
        action="store_true",
        help="run only the test files that the staged changes can reach",
    )
    group.addoption(
        "--affected-symbols",
        action="store_true",
        help="narrow the changes to the definitions they touch, and the tests to the "
        "test functions and classes that reach them",
    )
    group.addoption(
        "--affected-report-only",
        action="store_true",
        help="run everything; warn about failing tests the selection would have skipped",
    )


def _binary():
    explicit = os.environ.get("SSOT_GRAPH_BIN")
    if explicit:
        return explicit
    try:
        from ssot_graph import find_ssot_graph_bin

        return find_ssot_graph_bin()
    except FileNotFoundError:
        found = shutil.which("ssot-graph")
        if found:
            return found
        raise


class _Selection:
    def __init__(self, config, root, nodes, not_selected, summary):
        self.config = config
        self.root = root
        # Per selected file, its selected test functions and classes (None: all).
        self.nodes = nodes
        self.not_selected = not_selected
        self.summary = summary
        self.skipped_failures = []

    def would_skip(self, path, nodeid=""):
        path = os.path.normcase(os.path.abspath(os.path.join(self.root, str(path))))
        if path in self.not_selected:
            return True
        nodes = self.nodes.get(path)
        if nodes is None or "::" not in nodeid:
            return False
        return nodeid.split("::")[1].split("[")[0] not in nodes

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        if config.getoption("affected_report_only"):
            return
        kept, deselected = [], []
        for item in items:
            (deselected if self.would_skip(item.path, item.nodeid) else kept).append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept

    def pytest_runtest_logreport(self, report):
        if report.failed and self.would_skip(report.fspath, report.nodeid):
            self.skipped_failures.append(report.nodeid)

    def pytest_report_header(self, config):
        return f"ssot-graph affected: {self.summary}"

    def pytest_terminal_summary(self, terminalreporter):
        if not self.skipped_failures:
            return
        terminalreporter.write_sep(
            "=", "ssot-graph affected would have skipped these failing tests", yellow=True
        )
        for nodeid in self.skipped_failures:
            terminalreporter.write_line(nodeid)


def pytest_configure(config):
    since = config.getoption("affected_since")
    staged = config.getoption("affected_staged")
    if not since and not staged:
        return
    root = str(config.rootpath)
    command = [_binary(), "--root", root, "--format", "json", "affected"]
    command += ["--staged"] if staged else ["--since", since]
    if config.getoption("affected_symbols"):
        command.append("--symbols")
    run = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if run.returncode != 0:
        raise pytest.UsageError(f"ssot-graph affected: {run.stderr.strip()}")
    answer = json.loads(run.stdout)

    def absolute(rel):
        return os.path.normcase(os.path.abspath(os.path.join(root, rel)))

    nodes = {absolute(s["path"]): s.get("nodes") for s in answer["selected"]}
    not_selected = {absolute(p) for p in answer["not_selected"]}
    summary = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    config.pluginmanager.register(
        _Selection(config, root, nodes, not_selected, summary), "ssot-graph-affected"
    )
