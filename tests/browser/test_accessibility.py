"""axe-core (vendored in tests/browser/vendor/) finds no serious or critical violations."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def violations(page) -> list[str]:
    """Run axe-core in the page; return serious and critical violations, readable."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
                          v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?kind=strike&report=oreshnik-strike-dnipro-2024",
        "/reports",
        "/reports?sort=title&kind=deployment",
        "/reports/putin-oreshnik-belarus-announcement-2024",
        "/glossary#oreshnik",
        "/glossary?lang=be",
        "/ogc?f=html",
        "/ogc/collections/reports?f=html",
        "/ogc/collections/reports/items?f=html&limit=20&datetime=2022-02-24/..",
        "/ogc/collections/reports/items/putin-oreshnik-belarus-announcement-2024?f=html",
    ],
)
def test_no_serious_accessibility_violations(browser, live_server, path):
    # axe-core is injected as an inline script: a test tool the page's CSP rightly blocks.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}{path}")
    if path.startswith("/?") or path == "/":
        page.wait_for_function("() => document.documentElement.dataset.mapDrawn", timeout=20_000)
        page.wait_for_timeout(300)
    assert violations(page) == []
    assert errors == []
    context.close()
