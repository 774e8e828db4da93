"""One catalogue per process: `webmap run` reloads like gunicorn, loads happen once, no circles."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

from production import free_port, status
from test_importer import row, write_csv

from webmap.web.app import create_app

PACKAGE = Path(__file__).resolve().parent.parent / "webmap"
WEBMAP = Path(sys.executable).parent / "webmap"


def report_ids(base: str) -> set[str]:
    """Return the ids the running server's API lists."""
    with urlopen(f"{base}/api/reports", timeout=10) as response:
        return {f["properties"]["id"] for f in json.load(response)["features"]}


def test_webmap_run_picks_up_an_import_within_seconds(data_dir, tmp_path):
    env = {
        **os.environ,
        "WEBMAP_DATA_DIR": str(data_dir),
        "WEBMAP_CACHE_DIR": str(tmp_path / "cache"),
        "WEBMAP_RELOAD_SECONDS": "0.5",
    }
    port = free_port()
    server = subprocess.Popen(
        [str(WEBMAP), "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while status(f"{base}/healthz", 2) != 200:
            assert server.poll() is None and time.monotonic() < deadline, "webmap run did not start"
            time.sleep(0.2)
        assert "run-import-1" not in report_ids(base)
        source = write_csv(tmp_path / "new.csv", row("run-import-1"))
        imported = subprocess.run(
            [str(WEBMAP), "import", str(source)], env=env, capture_output=True, text=True
        )
        assert imported.returncode == 0, imported.stdout + imported.stderr
        deadline = time.monotonic() + 10
        while "run-import-1" not in report_ids(base):
            assert time.monotonic() < deadline, "webmap run still serves the data before the import"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_requests_during_the_first_load_wait_for_it_and_never_start_another(
    data_dir, tmp_path, monkeypatch
):
    app = create_app({"DATA_DIR": str(data_dir), "LOAD_DATA": False, "INDEX_CACHE_DIR": ""})
    data = app.extensions["webmap"]
    loads = []
    real_read = type(data).read

    def slow_read(self):
        loads.append(threading.get_ident())
        time.sleep(0.5)
        return real_read(self)

    monkeypatch.setattr(type(data), "read", slow_read)
    answers: list[int] = []

    def ask() -> None:
        answers.append(app.test_client().get("/api/reports").status_code)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [200] * 6
    assert len(loads) == 1


def test_build_site_reads_the_data_once(data_dir, tmp_path, monkeypatch):
    from webmap.catalog import catalog as catalog_module
    from webmap.cli import cli

    app = create_app({"DATA_DIR": str(data_dir), "LOAD_DATA": False, "INDEX_CACHE_DIR": ""})
    reads = []
    real = catalog_module.read_index
    monkeypatch.setattr(catalog_module, "read_index", lambda *a: reads.append(a[0]) or real(*a))
    result = app.test_cli_runner().invoke(cli, ["build-site", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert len(reads) == 1
    page = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'src="static/' in page or "static/css" in page  # the site's relative URLs
    assert 'src="/static/' not in page and 'href="/static/' not in page


def imports_of(path: Path) -> set[str]:
    """Return the webmap modules a file imports (at any depth of the file, lazily or not)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("webmap"):
            found.add(node.module)  # `from webmap.web import api` imports webmap.web.api too
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("webmap"))
    return {name for name in found if module_file(name)}


def module_file(name: str) -> Path | None:
    """Return the file of a webmap module (None if the name is not a module)."""
    base = PACKAGE.parent.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    """Return the dotted name of a file in the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_package_has_no_import_circle():
    graph = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}
    circles = []

    def visit(node: str, path: list[str], state: dict[str, int]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt], state)
        state[node] = 2

    state: dict[str, int] = {}
    for node in sorted(graph):
        if node not in state:
            visit(node, [node], state)
    assert circles == []


def test_nothing_below_the_web_layer_imports_flask():
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "web" or path.name == "cli.py" or path == PACKAGE / "__init__.py":
            continue  # the web layer, the command, and the package's lazy face (create_app)
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("flask", "webmap.web")), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("flask") for a in node.names), path


def test_export_reads_the_reports_as_the_server_does_from_the_cache(
    data_dir, tmp_path, monkeypatch
):
    from webmap.catalog import catalog as catalog_module
    from webmap.cli import cli

    cache = tmp_path / "cache"
    app = create_app({"DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": str(cache)})  # writes it
    served = app.test_client().get("/export/reports.csv").data

    def no_reading(path):
        raise AssertionError("export read every report again instead of the checked index")

    monkeypatch.setattr(catalog_module, "read_index", no_reading)
    out = tmp_path / "out.csv"
    result = app.test_cli_runner().invoke(cli, ["export", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == served  # the same bytes as the list's download
