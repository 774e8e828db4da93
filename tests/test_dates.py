import pytest

from webmap.record.dates import date_span, parse_partial_date, parse_period, written_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", (2024, None, None)),
        ("2024-12", (2024, 12, None)),
        ("2024-12-06", (2024, 12, 6)),
        ("2024-02-29", (2024, 2, 29)),
        ("2023-02-29", None),
        ("2024-13", None),
        ("2024-00-10", None),
        ("24-12-06", None),
        ("2024/12/06", None),
        ("", None),
        ("2024-12-06T10:00", None),
    ],
)
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2024", ("2024-01-01", "2024-12-31")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2025-02", ("2025-02-01", "2025-02-28")),
        ("2024-12-06", ("2024-12-06", "2024-12-06")),
    ],
)
def test_date_span_covers_the_precision(text, span):
    assert date_span(text) == span


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2025-07/2025-12", ("2025-07-01", "2025-12-31")),
        ("2025", ("2025-01-01", "2025-12-31")),
        ("2025-12/2025-07", None),
        ("2025-07/2025-12/2026", None),
        ("soon", None),
    ],
)
def test_parse_period(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2025-12-06", "6 December 2025"),
        ("2024-01-31", "31 January 2024"),
        ("2025-07", "July 2025"),
        ("2025", "2025"),
        ("not a date", "not a date"),
    ],
)
def test_written_date(text, written):
    assert written_date(text) == written
