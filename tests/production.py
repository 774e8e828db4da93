"""Run the production server, exactly as gunicorn.conf.py configures it, on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url: str, timeout: float = 5.0) -> int:
    """Return the HTTP status of GET url (0 when nothing answers)."""
    try:
        with urlopen(url, timeout=timeout) as response:
            return response.status
    except HTTPError as exc:
        return exc.code
    except (URLError, OSError):
        return 0


@contextmanager
def gunicorn(data_dir: Path, cache_dir: Path, workers: int = 3, **env: str) -> Iterator[str]:
    """Serve data_dir with `gunicorn -c gunicorn.conf.py`; yield the base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "WEBMAP_BIND": f"127.0.0.1:{port}",
        "WEBMAP_WORKERS": str(workers),
        "WEBMAP_DATA_DIR": str(data_dir),
        "WEBMAP_CACHE_DIR": str(cache_dir),
        "WEBMAP_ACCESS_LOG": "/dev/null",
        "WEBMAP_LOG_LEVEL": "warning",
        **env,
    }
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while status(f"{base}/healthz", 2) == 0:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn did not start: {log.read()[-2000:]!r}")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
