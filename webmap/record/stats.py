"""Coverage figures of the record: reports per year, kind and thread, and their sourcing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from webmap.record.languages import N_, Message
from webmap.record.model import Report, Source
from webmap.record.publishers import PublisherTable

# Publishers that speak first-hand or report on the record: governments, news agencies and
# public broadcasters.
PRIMARY_AFFILIATIONS = {"government", "wire", "public_broadcaster"}
BLOCS = {"NATO", "CSTO", "UNION-STATE"}


def _has(report: Report, *codes: str) -> bool:
    """Tell whether a report names every one of these actors."""
    return all(code in report.actors for code in codes)


# The threads of the story the map tells, first match wins (see README, "The data"). Their
# names are names, as the stories' titles are: the same in every language of `--stats`.
THREADS: tuple[tuple[str, Callable[[Report], bool]], ...] = (
    ("Borders hardening", lambda r: r.kind == "fortification"),
    ("Incidents along the flank", lambda r: r.kind in ("incident", "strike")),
    (
        "Alliances changing",
        lambda r: (
            r.kind == "accession"
            or (r.kind in ("agreement", "statement") and bool(BLOCS & set(r.actors)))
        ),
    ),
    ("Russia–Belarus military integration", lambda r: _has(r, "RUS", "BLR")),
    ("NATO's eastern flank", lambda r: "NATO" in r.actors or "USA" in r.actors),
    ("Kaliningrad and the Black Sea", lambda r: True),
)


def thread_of(report: Report) -> str:
    """Return the thread a report belongs to."""
    return next(name for name, test in THREADS if test(report))


def is_primary(report: Report) -> bool:
    """Tell whether a report cites a government, a news agency or a public broadcaster."""
    return any(s.affiliation in PRIMARY_AFFILIATIONS for s in report.sources)


def _publisher(source: Source, table: PublisherTable | None) -> str:
    """Return who published a source: the table's name for its domain, else its own name."""
    row = table.lookup(source.url) if table is not None else None
    return row.name if row else source.publisher


def independent_publishers(report: Report, table: PublisherTable | None = None) -> int:
    """Count the distinct publishers of a report that are not state media.

    With the publishers table, one publisher counts once however its sources name it
    ("Devdiscourse (AP)" and "Devdiscourse (agencies)" are one publisher).
    """
    return len({_publisher(s, table) for s in report.sources if s.affiliation != "state_media"})


@dataclass
class Coverage:
    """What the record covers and how it is sourced."""

    reports: int = 0
    per_year: Counter = field(default_factory=Counter)
    per_kind: Counter = field(default_factory=Counter)
    per_thread: Counter = field(default_factory=Counter)
    primary: int = 0
    single_source: int = 0
    two_independent: int = 0

    def share(self, count: int) -> float:
        """Return count as a share of all reports (0 when there are none)."""
        return count / self.reports if self.reports else 0.0

    def lines(self) -> list[str]:
        """Return the figures as lines for a teacher or an editor to read (Messages: English,
        and in_language() for another language)."""
        per_year = ", ".join(f"{y} {n}" for y, n in sorted(self.per_year.items()))
        per_kind = ", ".join(f"{k} {n}" for k, n in self.per_kind.most_common())
        out = [N_("%(count)s reports", count=self.reports)]
        out.append(N_("Per year: %(figures)s", figures=per_year))
        out.append(N_("Per kind: %(figures)s", figures=per_kind))
        out.append(N_("Per thread:"))
        out += [
            Message(
                "  %(thread)s: %(count)s",
                {"thread": name, "count": self.per_thread[name]},
            )
            for name, _ in THREADS
        ]
        for template, count in (
            (
                N_("Citing a government, news agency or public broadcaster: %(count)s (%(share)s)"),
                self.primary,
            ),
            (
                N_("Two or more publishers that are not state media: %(count)s (%(share)s)"),
                self.two_independent,
            ),
            (N_("Resting on one source only: %(count)s (%(share)s)"), self.single_source),
        ):
            out.append(Message(template, {"count": count, "share": f"{self.share(count):.0%}"}))
        return out


def coverage(reports: Iterable[Report], table: PublisherTable | None = None) -> Coverage:
    """Count what the reports cover and how they are sourced (publishers by the table)."""
    figures = Coverage()
    for report in reports:
        figures.reports += 1
        figures.per_year[report.date[:4]] += 1
        figures.per_kind[report.kind] += 1
        figures.per_thread[thread_of(report)] += 1
        figures.primary += is_primary(report)
        figures.single_source += len(report.sources) == 1
        figures.two_independent += independent_publishers(report, table) >= 2
    return figures
