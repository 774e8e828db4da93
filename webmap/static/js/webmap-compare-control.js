/* webmap two dates side by side: the control on the map and the link's compare=DATE,DATE. It
 * keeps which dates the page compares and narrows the first map to the first date; the second
 * map (webmap-compare.js) is loaded the first time a reader compares (webmap-on-demand.js).
 * Text goes in with textContent only. Exposes window.webmapCompareControl. */
(function () {
  "use strict";

  const core = window.webmapCore;
  const { _ } = window.webmapI18n;
  const wm = window.webmapMap;
  const map = wm.map;
  const el = wm.el;
  const area = map.getContainer().parentElement;
  const narrow = window.matchMedia("(max-width: 700px)");
  const DATE = /^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$/;

  let dates = null;  // [first, second] as the link writes them, or null when not comparing
  let readerCriteria = null;  // the panel's criteria, before the first map's date narrows them
  let pair = null;  // the second map (window.webmapCompare), once loaded

  /* The two dates of a compare= value (YYYY, YYYY-MM or YYYY-MM-DD), or null. */
  function parseDates(value) {
    const parts = String(value == null ? "" : value).split(",").map((p) => p.trim());
    if (parts.length !== 2 || !parts.every((p) => DATE.test(p) && core.partialSpan(p))) return null;
    return parts;
  }
  function lastDay(date) { return core.partialSpan(date)[1]; }
  function earlier(a, b) { return !a ? b : a < b ? a : b; }
  function today() { return new Date().toISOString().slice(0, 10); }

  const problem = el("p", "link-problem compare-problem");
  problem.id = "compare-problem";
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  area.append(problem);

  /* Compare next (two dates) or stop (null); the second map follows once it has loaded. */
  function show(next) {
    dates = next;
    if (next) problem.hidden = true;
    updateControl();
    if (pair) { pair.show(dates); return; }
    if (!next) return;
    window.webmapOnDemand.load("compare").then(() => {
      pair = window.webmapCompare;
      pair.show(dates);
    }, () => {
      problem.textContent = _("The second map could not be loaded. Reload the page and try again.");
      problem.hidden = false;
    });
  }

  /* Read compare= from a link: two dates, nothing, or a notice saying why not. */
  function apply(params) {
    const raw = params.get("compare");
    if (raw === null || raw.trim() === "") { if (dates) show(null); problem.hidden = true; return; }
    const next = parseDates(raw);
    if (next) { if (!dates || next.join(",") !== dates.join(",")) show(next); return; }
    if (dates) show(null);
    problem.textContent = _("This link's dates to compare (compare=) cannot be used, so the map shows one date: write two dates as YYYY, YYYY-MM or YYYY-MM-DD with a comma between them, e.g. 1999-03,2024-03.");
    problem.hidden = false;
  }

  window.webmap.extend({
    apply,
    state(params) { if (dates) params.set("compare", dates.join(",")); },
    limit(criteria) {
      readerCriteria = criteria;
      if (!dates) return criteria;
      if (pair) setTimeout(pair.placeReports, 0);
      return { ...criteria, to: earlier(criteria.to, lastDay(dates[0])) };
    },
  });

  /* Change what the page compares, as a reader does with the control. */
  function choose(next) {
    show(next);
    window.webmap.refresh();
    window.webmap.syncUrl(true);
  }

  /* ---- the control on the map: start and stop, and the two dates ---- */

  let button = null;
  let fields = null;
  const inputs = [];
  function updateControl() {
    if (!button) return;
    button.setAttribute("aria-pressed", String(Boolean(dates)));
    const words = dates ? _("Stop comparing") : _("Compare two dates");
    button.textContent = dates ? words : `⇆ ${words}`;
    button.setAttribute("aria-label", words);
    fields.hidden = !dates;
    if (dates) dates.forEach((d, i) => { inputs[i].value = d.length === 4 ? `${d}-12` : d.slice(0, 7); });
  }

  const CompareControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd() {
      const control = L.DomUtil.create("div", "leaflet-bar compare-control");
      button = L.DomUtil.create("button", "compare-button", control);
      button.type = "button";
      // The two dates fold away under their title, folded from the start on a phone.
      fields = L.DomUtil.create("details", "compare-fields", control);
      fields.open = !narrow.matches;
      L.DomUtil.create("summary", "", fields).textContent = _("Change the dates");
      [_("First date"), _("Second date")].forEach((text, i) => {
        const label = L.DomUtil.create("label", "compare-field", fields);
        const input = L.DomUtil.create("input", "", label);
        Object.assign(input, { type: "month", id: `compare-${i ? "second" : "first"}`, required: true });
        label.prepend(el("span", null, text));
        input.addEventListener("change", () => {
          const next = [inputs[0].value, inputs[1].value];
          if (parseDates(next.join(","))) choose(next);
        });
        inputs.push(input);
      });
      L.DomEvent.disableClickPropagation(control);
      L.DomEvent.disableScrollPropagation(control);
      L.DomEvent.on(button, "click", () => {
        if (dates) { choose(null); return; }
        choose(["1999-03", today().slice(0, 7)]);
        inputs[0].focus();
      });
      updateControl();
      return control;
    },
  });
  new CompareControl().addTo(map);

  // The link's dates are read before the reports arrive; the second map loads meanwhile.
  apply(new URLSearchParams(window.location.search));

  window.webmapCompareControl = {
    dates: () => dates, readerCriteria: () => readerCriteria, parseDates, lastDay, earlier, today,
  };
})();
