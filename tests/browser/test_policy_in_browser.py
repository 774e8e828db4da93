"""Under the Content-Security-Policy the map, filters, popups, rings and stories still work."""

from __future__ import annotations

DRAWN = "() => document.documentElement.dataset.mapDrawn"
# Every policy violation the page reports, and whether the policy was really in force.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective}: ${e.blockedURI} (${where})`);
});
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_the_map_works_under_the_policy_and_breaks_none_of_it(page, live_server, shipped_count):
    page, log = page
    page.add_init_script(WATCH_VIOLATIONS)
    response = page.goto(live_server)
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_function(DRAWN, timeout=20_000)
    assert int(page.evaluate("document.documentElement.dataset.reportsDrawn")) == shipped_count

    # Filters and search.
    page.locator('fieldset[data-filter="kind"] input[value="strike"]').check()
    page.wait_for_function("() => location.search.includes('kind=strike')")
    page.fill("#filter-q", "Oreshnik")
    page.wait_for_function("() => location.search.includes('q=Oreshnik')")
    page.locator('fieldset[data-filter="kind"] input[value="strike"]').uncheck()
    page.fill("#filter-q", "")

    # A popup, its range ring, and the link to the report's page.
    page.evaluate("window.webmapMap.openReport('oreshnik-krichev-satellite-analysis-2025')")
    popup = page.locator('.report-popup[data-report-id="oreshnik-krichev-satellite-analysis-2025"]')
    popup.wait_for()
    popup.locator(".ring-toggle").click()
    page.wait_for_function("() => location.search.includes('ring=')")

    # A story.
    page.get_by_role(
        "link",
        name="Oreshnik: from a strike on Dnipro to deployment in Belarus (2024–2025)",
        exact=True,
    ).click()
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'oreshnik-2024-2025/1'"
    )
    page.click("#story-next")
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'oreshnik-2024-2025/2'"
    )
    page.click("#story-close")

    assert violations(page) == []
    assert log.errors == []


def test_the_policy_is_enforced_not_just_sent(page, live_server):
    """An inline script a hostile text might smuggle in is blocked, and reported."""
    page, log = page
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(f"{live_server}/reports")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = true'; document.body.append(s); }"""
    )
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in violations(page))
