"""A throw-away PostgreSQL + PostGIS cluster for the tests: initdb in a temporary folder, on a
free port of 127.0.0.1, its socket in the same folder; as root, it runs as the postgres user."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

INSTALL_HINT = (
    "PostgreSQL with PostGIS is needed for these tests: run `make postgis` "
    "(apt-get install postgresql postgis postgresql-postgis)"
)
SERVICE_USER = "postgres"  # Debian's postgresql package creates it


def postgres_bin() -> Path:
    """Return the newest installed PostgreSQL's bin folder that has PostGIS; fail if none."""
    found = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        root = initdb.parents[1]
        if (root / "lib" / "postgis-3.so").exists() and re.fullmatch(r"[0-9]+", root.name):
            found.append((int(root.name), root / "bin"))
    if not found:
        raise RuntimeError(INSTALL_HINT)
    return max(found)[1]


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One PostgreSQL server of its own, with a database that has PostGIS."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="webmap-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb refuses root: the folder and the server are postgres's
            try:
                user = pwd.getpwnam(SERVICE_USER)
            except KeyError:
                raise RuntimeError(f"{INSTALL_HINT}; no {SERVICE_USER} user") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.run("initdb", "-D", self.data, "-U", "webmap", "--auth=trust", "-E", "UTF8",
                 "--no-locale", "--no-sync")  # fmt: skip
        self.start()
        self.url = f"postgresql://webmap@127.0.0.1:{self.port}/webmap"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE webmap")

    @property
    def admin_url(self) -> str:
        """Return the URL of the cluster's maintenance database."""
        return f"postgresql://webmap@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: object) -> None:
        """Run one of PostgreSQL's programs (as postgres when we are root); fail with its output."""
        command = [str(self.bin / program), *map(str, args)]
        if self.as_root:
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        """Start the server and wait until it answers."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "log", "-w", "start")

    def stop(self) -> None:
        """Stop the server at once (clients lose their connections)."""
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def new_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://webmap@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
