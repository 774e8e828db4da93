"""Check that source addresses still answer: concurrent, polite, with a timeout and a cache."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from webmap.record.geojson_io import atomic_write_text
from webmap.record.languages import N_
from webmap.record.model import Problem, ReportError, report_label
from webmap.record.reports_file import REPORTS_FILE, read_json, read_text
from webmap.record.sources import is_link

USER_AGENT = "webmap-linkcheck/0.1 (checks that cited sources still answer; one request each)"
CACHE_FILE = "links.json"
CACHE_SECONDS = 7 * 24 * 3600  # a week: a page that answered is not asked again sooner
WORKERS = 4
TIMEOUT = 10.0
RETRY_WITH_GET = {403, 405, 406, 429, 501}  # servers that refuse HEAD but may answer GET


@dataclass(frozen=True)
class LinkResult:
    """How one address answered: its final status (None if it did not answer) and why."""

    url: str
    ok: bool
    status: int | None
    reason: str
    checked: float


def _request(url: str, method: str, timeout: float) -> tuple[int | None, str]:
    """Ask url once with method; return (status, reason); redirects are followed."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)
            return response.status, response.reason or "OK"
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc.reason)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return None, N_("no answer within %(seconds)s s", seconds=f"{timeout:g}")
        return None, N_("could not connect (%(reason)s)", reason=str(reason))


def check_url(url: str, timeout: float = TIMEOUT) -> LinkResult:
    """Check one address: HEAD first, then GET if the server refuses HEAD or fails."""
    status, reason = _request(url, "HEAD", timeout)
    timed_out = status is None and reason.startswith("no answer")
    if not timed_out and (status is None or status in RETRY_WITH_GET or status >= 500):
        status, reason = _request(url, "GET", timeout)
    ok = status is not None and 200 <= status < 400
    return LinkResult(url, ok, status, reason, time.time())


def _read_cache(path: Path | None) -> dict[str, dict[str, Any]]:
    """Return the cached results by URL ({} when there is no usable cache)."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_urls(
    urls: Iterable[str],
    cache_path: Path | None = None,
    timeout: float = TIMEOUT,
    workers: int = WORKERS,
    max_age: float = CACHE_SECONDS,
) -> dict[str, LinkResult]:
    """Check every distinct http(s) address, reusing fresh cached answers; save the cache."""
    cache = _read_cache(cache_path)
    now = time.time()
    results: dict[str, LinkResult] = {}
    todo = []
    for url in dict.fromkeys(u for u in urls if is_link(u)):
        entry = cache.get(url)
        if isinstance(entry, dict) and entry.get("ok") and now - entry.get("checked", 0) < max_age:
            results[url] = LinkResult(**{k: entry[k] for k in LinkResult.__dataclass_fields__})
        else:
            todo.append(url)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for result in pool.map(lambda u: check_url(u, timeout), todo):
            results[result.url] = result
    if cache_path is not None:
        cache.update({url: asdict(result) for url, result in results.items()})
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cache_path, json.dumps(cache, indent=1, sort_keys=True))
    return results


def dead_link_problems(
    features: Iterable[Any], path: str, results: dict[str, LinkResult]
) -> list[Problem]:
    """Return one problem per source whose address did not answer well."""
    problems = []
    for feature in features:
        props = feature.get("properties") or {}
        rid = report_label(str(props.get("id") or "?"))
        for i, source in enumerate(props.get("sources") or [], start=1):
            result = results.get(str(source.get("url", "")).strip())
            if result is None or result.ok:
                continue
            answer = f"{result.status} {result.reason}" if result.status else result.reason
            message = N_(
                "%(url)s is dead (%(answer)s); find an archived copy or another page",
                url=result.url,
                answer=answer if result.status else result.reason,
            )
            problems.append(Problem(path, rid, f"sources[{i}].url", message))
    return problems


def _features(path: Path) -> tuple[str, list[Any]]:
    """Return a reports file's name and features ([] if unreadable: `check` says why)."""
    from webmap.record.tabular import CSV_HINT, features_from_csv

    file = path / REPORTS_FILE if path.is_dir() else path
    try:
        if file.suffix.lower() == ".csv":
            return str(file), features_from_csv(read_text(file, CSV_HINT), str(file))[0]
        data = read_json(file)
    except ReportError:
        return str(file), []
    features = data.get("features") if isinstance(data, dict) else None
    return str(file), [f for f in features or [] if isinstance(f, dict)]


def link_problems(
    paths: Iterable[Path], cache_path: Path | None, timeout: float = TIMEOUT
) -> list[Problem]:
    """Check the source addresses of every reports file or folder; return the dead ones."""
    files = [_features(Path(p)) for p in paths]
    urls = [
        str(s.get("url", "")).strip()
        for _, features in files
        for f in features
        for s in (f.get("properties") or {}).get("sources") or []
        if isinstance(s, dict)
    ]
    results = check_urls(urls, cache_path, timeout)
    return [p for name, features in files for p in dead_link_problems(features, name, results)]
