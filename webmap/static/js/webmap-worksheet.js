/* webmap worksheet and citations.
 * On the map: "Worksheet" opens /worksheet (worksheet.html offline) for the current view, and
 * "Cite this view" gives the view's citation in APA and MLA, ready to copy. On the worksheet
 * page: the view its address names, as numbered markers (webmap-print.js draws them) keyed to a
 * table, the story's questions with space to write, the sources, the data date, a citation and
 * a QR code of the view (the vendored qrcode-generator, drawn here as SVG). The page reads the
 * view from its own address, so the same code serves the app and the offline site.
 * Text is set with textContent only. Exposes window.webmapWorksheet (citation, viewUrl). */
(function () {
  "use strict";

  const core = window.webmapCore;
  const { _, ngettext, lang } = window.webmapI18n;
  const wm = window.webmapMap;
  const config = wm.config;
  const root = document.documentElement;
  const onWorksheet = document.body.classList.contains("worksheet-page");
  // The view as the address asked for it, before the map wrote its own state there.
  const askedSearch = window.webmapOnDemand.arrivedSearch;
  // Numbered reports and publishers on one worksheet: with the rest, at most three A4 pages.
  const MAX_ROWS = 24;
  const MAX_PUBLISHERS = 20;
  const FRAME = { width: "186mm", height: "118mm" };  // A4 portrait less its margins
  const SVG = "http://www.w3.org/2000/svg";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* ---- citations: the one place their words are put together ---- */

  function utcDay(day) {
    const [y, m, d] = day.split("-").map(Number);
    return new Date(Date.UTC(y, (m || 1) - 1, d || 1));
  }

  function localToday() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  function written(day, options) {
    const locale = lang === "en" ? "en-US" : lang;
    return new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...options }).format(utcDay(day));
  }

  /* APA: (2025, December 17) and "December 2, 2026"; in other languages their long dates. */
  function apaDate(day) { return `${day.slice(0, 4)}, ${written(day, { month: "long", day: "numeric" })}`; }
  function apaRetrieved(day) { return written(day, { year: "numeric", month: "long", day: "numeric" }); }

  /* MLA: "17 Dec. 2025" (months of five letters or more cut short); in other languages long dates. */
  const MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];
  function mlaDate(day) {
    if (lang !== "en") return core.formatDate(day);
    const [y, m, d] = day.split("-").map(Number);
    return `${d} ${MLA_MONTHS[m - 1]} ${y}`;
  }

  function mapTitle() { return _("Alliances and military deployments around Belarus, Russia and NATO's eastern flank"); }

  /* The citation of a view in "apa" or "mla": {text, url}; view = {url, accessed (YYYY-MM-DD)}. */
  function citation(style, view) {
    const version = config.dataVersion || "";
    const day = config.dataDay || view.accessed;
    const title = mapTitle();
    if (style === "apa") {
      const kind = _("Interactive map, data version %(version)s", { version });
      const retrieved = _("Retrieved %(date)s, from %(url)s", { date: apaRetrieved(view.accessed), url: view.url });
      return { text: `${title} [${kind}]. (${apaDate(day)}). webmap. ${retrieved}`, url: view.url };
    }
    const edition = _("data version %(version)s", { version });
    // A date that ends in an abbreviation ("2 декабря 2026 г.") ends the sentence too.
    const accessed = _("Accessed %(date)s.", { date: mlaDate(view.accessed) }).replace(/\.\.$/, ".");
    return { text: `“${title}.” webmap, ${edition}, ${mlaDate(day)}, ${view.url}. ${accessed}`, url: view.url };
  }

  /* The address of the view on the map: the worksheet's own view, or the map's current one. */
  function viewUrl() {
    if (!onWorksheet) return window.location.href;
    return new URL((config.mapUrl || "./") + askedSearch, window.location.href).href;
  }

  /* ---- "Cite this view" ---- */

  function copyText(node, status) {
    const text = node.textContent;
    const selectIt = () => {
      const range = document.createRange();
      range.selectNodeContents(node);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      let done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      status.textContent = done ? _("Copied.") : _("Selected: press Ctrl+C (or ⌘+C) to copy.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => { status.textContent = _("Copied."); }, selectIt);
    } else {
      selectIt();
    }
  }

  let dialog = null;
  function citeDialog() {
    if (dialog) return dialog;
    dialog = el("dialog", "cite-dialog");
    dialog.id = "cite-dialog";
    dialog.setAttribute("aria-labelledby", "cite-heading");
    const heading = el("h2", "", _("Cite this view"));
    heading.id = "cite-heading";
    const status = el("p", "cite-status");
    status.setAttribute("role", "status");
    dialog.append(heading, el("p", "cite-intro", _("The address opens exactly this view of the map, with the same data version.")));
    for (const [style, name] of [["apa", "APA"], ["mla", "MLA"]]) {
      const block = el("section", "cite-style");
      const text = el("p", "cite-text");
      text.id = `cite-${style}`;
      text.dataset.style = style;
      const copy = el("button", "cite-copy", _("Copy the %(style)s citation", { style: name }));
      copy.type = "button";
      copy.addEventListener("click", () => copyText(text, status));
      block.append(el("h3", "", name), text, copy);
      dialog.append(block);
    }
    const close = el("button", "cite-close", _("Close"));
    close.type = "button";
    close.addEventListener("click", () => dialog.close());
    dialog.append(status, close);
    document.body.append(dialog);
    return dialog;
  }

  function openCite() {
    const box = citeDialog();
    const view = { url: viewUrl(), accessed: localToday() };
    for (const node of box.querySelectorAll(".cite-text")) node.textContent = citation(node.dataset.style, view).text;
    box.querySelector(".cite-status").textContent = "";
    box.showModal();
  }

  const citeButton = document.getElementById("cite-open");
  if (citeButton) citeButton.addEventListener("click", openCite);

  window.webmapWorksheet = { citation, viewUrl };
  if (!onWorksheet) return;

  /* ---- the worksheet page ---- */

  // The map shows the view's reports without the story and report (webmap-on-demand.js took
  // them from the address before the map read it): a story here gives questions, not a tour.
  const asked = new URLSearchParams(askedSearch);

  function statusLabel(status) { return (config.statuses[status] || { label: status }).label; }
  function kindLabel(kind) { return (config.kinds[kind] || { label: kind }).label; }

  function row(f, number) {
    const p = f.properties;
    const tr = el("tr");
    tr.dataset.number = String(number);
    tr.dataset.reportId = p.id;
    const what = el("td", "worksheet-what");
    what.append(el("strong", "", p.title), " ", el("span", "worksheet-kind", `${kindLabel(p.kind)} · ${p.place}`));
    tr.append(
      el("th", "worksheet-number", number),
      el("td", "worksheet-date", (p.derived && p.derived.written_date) || core.formatDate(p.date)),
      what,
      el("td", "worksheet-claimant", p.claimed_by || _("no single claimant")),
      el("td", "worksheet-status", statusLabel(p.status)),
    );
    tr.firstChild.scope = "row";
    return tr;
  }

  function ruledQuestion(text) {
    const item = el("li", "worksheet-question");
    item.append(el("p", "", text));
    for (let i = 0; i < 2; i += 1) item.append(el("span", "worksheet-rule"));
    return item;
  }

  function questions(story, numbers) {
    const heading = document.getElementById("worksheet-questions-heading");
    const list = document.getElementById("worksheet-questions");
    const asks = story ? story.steps.filter((s) => s.question) : [];
    if (asks.length) {
      heading.textContent = _("Questions from the story “%(title)s”", { title: story.title });
      list.replaceChildren(...asks.map((s) => {
        const n = numbers.get(s.report);
        const which = n ? _("report %(number)s", { number: n }) : "";
        return ruledQuestion(n ? `${s.question} (${which})` : s.question);
      }));
    } else {
      list.replaceChildren(ruledQuestion(""), ruledQuestion(""), ruledQuestion(""));
    }
  }

  function sources(reports) {
    const byPublisher = new Map();
    reports.forEach((f, i) => {
      for (const s of f.properties.sources || []) {
        if (!s.publisher) continue;
        if (!byPublisher.has(s.publisher)) byPublisher.set(s.publisher, { affiliation: s.affiliation, numbers: new Set() });
        byPublisher.get(s.publisher).numbers.add(i + 1);
      }
    });
    const all = [...byPublisher.entries()].sort((a, b) => b[1].numbers.size - a[1].numbers.size || a[0].localeCompare(b[0], lang));
    const rows = all.slice(0, MAX_PUBLISHERS);
    const more = document.getElementById("worksheet-more-sources");
    more.hidden = all.length <= rows.length;
    more.textContent = more.hidden ? "" : ngettext(
      "and %(n)s more publisher: each report's page on the map names every source, with its address.",
      "and %(n)s more publishers: each report's page on the map names every source, with its address.",
      all.length - rows.length,
    );
    document.getElementById("worksheet-sources").replaceChildren(...rows.map(([name, info]) => {
      const item = el("li");
      const kind = config.affiliations[info.affiliation] || config.affiliations.unknown;
      item.append(el("strong", "", name), ` (${kind}): `, window.webmapPrint.numberRuns([...info.numbers].sort((a, b) => a - b)));
      return item;
    }));
  }

  /* The QR code of text as an SVG of dark squares on white, with the quiet zone around it. */
  function qrSvg(text) {
    const qr = window.qrcode(0, "M");
    qr.addData(text, "Byte");
    qr.make();
    const n = qr.getModuleCount();
    const quiet = 4;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${n + 2 * quiet} ${n + 2 * quiet}`);
    svg.setAttribute("shape-rendering", "crispEdges");
    svg.setAttribute("aria-hidden", "true");
    const paper = document.createElementNS(SVG, "rect");
    paper.setAttribute("width", String(n + 2 * quiet));
    paper.setAttribute("height", String(n + 2 * quiet));
    paper.setAttribute("fill", "#fff");
    const path = document.createElementNS(SVG, "path");
    let d = "";
    for (let r = 0; r < n; r += 1) {
      for (let c = 0; c < n; c += 1) if (qr.isDark(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    }
    path.setAttribute("d", d);
    path.setAttribute("fill", "#000");
    svg.append(paper, path);
    return svg;
  }

  function drawQr(url) {
    const box = document.getElementById("worksheet-qr");
    if (window.qrcode && window.qrcode.stringToBytesFuncs) window.qrcode.stringToBytes = window.qrcode.stringToBytesFuncs["UTF-8"];
    try {
      box.replaceChildren(qrSvg(url));
      box.dataset.url = url;
    } catch (error) {  // an address longer than a QR code holds
      box.replaceChildren(el("p", "worksheet-qr-none", _("This view's address is too long for a QR code: type the address below.")));
    }
  }

  function build() {
    const map = wm.map;
    map.closePopup();
    // The worksheet's map is a picture of the view: it keeps still.
    for (const handler of ["dragging", "touchZoom", "doubleClickZoom", "scrollWheelZoom", "boxZoom", "keyboard"]) {
      if (map[handler]) map[handler].disable();
    }
    // The legend (alliances only) stands below the map, open, beside the key.
    const legend = document.getElementById("legend");
    if (legend) {
      legend.open = true;
      document.getElementById("worksheet-keys").prepend(legend);
    }
    const story = (config.stories || []).find((s) => s.id === asked.get("story")) || null;
    // A story's worksheet numbers the story's reports (as the map shows them, oldest first).
    const steps = new Set(story ? story.steps.map((s) => s.report) : []);
    const shown = window.webmapPrint.shownReports().filter((f) => !story || steps.has(f.properties.id));
    const reports = shown.slice(0, MAX_ROWS);
    window.webmapPrint.pin(reports, FRAME);

    if (story) document.getElementById("worksheet-title").textContent = story.title;
    const total = window.webmap.features().length;
    document.getElementById("worksheet-view").textContent = window.webmapPrint.filterText(total, shown.length);
    const cut = document.getElementById("worksheet-cut");
    cut.hidden = shown.length <= MAX_ROWS;
    cut.textContent = cut.hidden ? "" : _("This view shows %(shown)s reports; the worksheet numbers the %(max)s oldest. Narrow the filters to see the others.", { shown: shown.length, max: MAX_ROWS });
    document.getElementById("worksheet-rows").replaceChildren(...reports.map((f, i) => row(f, i + 1)));
    questions(story, new Map(reports.map((f, i) => [f.properties.id, i + 1])));
    sources(reports);

    const url = viewUrl();
    drawQr(url);
    document.getElementById("worksheet-url").textContent = url;
    document.getElementById("worksheet-citation").textContent = citation("apa", { url, accessed: localToday() }).text;
    document.getElementById("worksheet-map-link").href = url;
    // The address keeps the worksheet's view (the map wrote its own state there meanwhile).
    setTimeout(() => {
      window.history.replaceState(null, "", `${window.location.pathname}${askedSearch}`);
      root.dataset.worksheetReady = String(reports.length);
    }, 50);
  }

  document.getElementById("worksheet-print").addEventListener("click", () => window.print());

  /* Build once the map has drawn its reports and the server has answered any search. */
  const settled = () => root.dataset.mapDrawn === "true" && !root.dataset.searching;
  const watcher = new MutationObserver(() => {
    if (!settled()) return;
    watcher.disconnect();
    build();
  });
  watcher.observe(root, { attributes: true, attributeFilter: ["data-map-drawn", "data-searching"] });
})();
