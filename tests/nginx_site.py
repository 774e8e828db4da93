"""Run Debian's nginx for a test: a deploy/ example in a throw-away prefix, on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEPLOY = Path(__file__).parents[1] / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's nginx-light; make test installs it
CERT = "/etc/letsencrypt/live/map.example.org/"  # where the examples expect the certificate


def make_certificate(folder: Path) -> Path:
    """Write a throw-away self-signed certificate (fullchain.pem, privkey.pem) into folder."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", folder / "privkey.pem"]
        + ["-out", folder / "fullchain.pem"],
        check=True,
        capture_output=True,
    )
    return folder


def nginx_setup(config: str, folder: Path, certificate: Path) -> Path:
    """Write a main nginx.conf in folder that includes config as conf.d would; return its path."""
    shutil.copy("/etc/nginx/mime.types", folder / "mime.types")
    (folder / "site.conf").write_text(config.replace(CERT, f"{certificate}/"), "utf-8")
    main = folder / "nginx.conf"
    main.write_text(
        f"error_log {folder}/error.log;\npid {folder}/nginx.pid;\nevents {{}}\n"
        "http {\n  include mime.types;\n  access_log off;\n  include site.conf;\n}\n",
        "utf-8",
    )
    return main


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_site(site: Path, folder: Path, certificate: Path) -> Iterator[str]:
    """Serve site with deploy/nginx-static.conf on 127.0.0.1 over HTTPS; yield its URL."""
    site.parent.chmod(0o755)  # nginx may read it even where it does not run as root
    port, plain = free_port(), free_port()
    config = (DEPLOY / "nginx-static.conf").read_text("utf-8")
    config = config.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl;")
    config = config.replace("listen 80;", f"listen 127.0.0.1:{plain};")
    config = config.replace("root /srv/webmap-site;", f"root {site};")
    main = nginx_setup(config, folder, certificate)
    command = [NGINX, "-p", str(folder), "-c", str(main), "-g", "daemon off; master_process off;"]
    server = subprocess.Popen(command)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"https://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)
