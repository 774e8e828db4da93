"""Check data files and folders: reports, alliances and geodata layers."""

from __future__ import annotations

from pathlib import Path

from webmap.atlas import AtlasError, load_atlas
from webmap.reports import REPORTS_FILE, Problem, check_file


def check_paths(paths: list[Path]) -> list[Problem]:
    """Return every problem in the given reports files or data folders."""
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            problems += check_file(path / REPORTS_FILE)
            try:
                load_atlas(path)
            except AtlasError as exc:
                problems.append(Problem(str(path), "-", "geodata", str(exc)))
        else:
            problems += check_file(path)
    return problems
