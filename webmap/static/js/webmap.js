/* webmap controls: filters with counts, search, the time control and the URL that holds them.
 * The URL uses the parameter names of /api/reports (from, to, kind, status, actor, affiliation,
 * q) plus report=<id> for the open popup and map=<zoom>/<lat>/<lon> for the view. */
(function () {
  "use strict";

  const core = window.webmapCore;
  const { _, ngettext } = window.webmapI18n;
  const wm = window.webmapMap;
  const map = wm.map;
  const config = wm.config;
  const root = document.documentElement;
  const form = document.getElementById("filters");
  const search = document.getElementById("filter-q");
  const timeFrom = document.getElementById("time-from");
  const timeTo = document.getElementById("time-to");
  const playButton = document.getElementById("time-play");
  const timeSummary = document.getElementById("time-summary");
  const matchCount = document.getElementById("match-count");
  const statusLine = document.getElementById("map-status");
  const blocDate = document.getElementById("bloc-date");
  root.classList.add("js");

  let features = [];
  let openId = null;
  let player = null;
  let firstMonth = "";
  let lastMonth = "";

  /* ---- filters and counts ---- */

  function filterParams() {
    const params = new URLSearchParams();
    if (search.value.trim()) params.set("q", search.value.trim());
    if (timeFrom.value) params.set("from", timeFrom.value);
    if (timeTo.value) params.set("to", timeTo.value);
    for (const name of core.LIST_FILTERS) {
      for (const box of form.querySelectorAll(`input[name="${name}"]:checked`)) params.append(name, box.value);
    }
    return params;
  }

  function setControls(params) {
    search.value = params.get("q") || "";
    // The month inputs take YYYY-MM: a year alone (from=2024) is its first or last month.
    const month = (value, last) => (/^\d{4}$/.test(value) ? `${value}-${last ? "12" : "01"}` : value.slice(0, 7));
    timeFrom.value = month(params.get("from") || "", false);
    timeTo.value = month(params.get("to") || "", true);
    for (const name of core.LIST_FILTERS) {
      const wanted = new Set(params.getAll(name).flatMap((v) => v.split(",")));
      for (const box of form.querySelectorAll(`input[name="${name}"]`)) box.checked = wanted.has(box.value);
    }
  }

  function updateCounts(criteria) {
    for (const name of core.LIST_FILTERS) {
      const counts = core.facetCounts(features, criteria, name);
      for (const field of form.querySelectorAll(`fieldset[data-filter="${name}"] .facet-choice`)) {
        const box = field.querySelector("input");
        const n = counts[box.value] || 0;
        field.querySelector(".count").textContent = `(${n})`;
        field.classList.toggle("facet-empty", n === 0 && !box.checked);
      }
    }
  }

  function describeTime(criteria) {
    if (!criteria.from && !criteria.to) return _("All dates. Countries show alliances today.");
    const from = criteria.from ? core.formatDate(timeFrom.value || criteria.from) : _("the start");
    const to = criteria.to ? core.formatDate(timeTo.value || criteria.to) : _("today");
    const asOf = criteria.to ? core.formatDate(criteria.to) : _("today");
    return _("Reports from %(from)s to %(to)s. Countries show alliances as of %(as_of)s.", { from, to, as_of: asOf });
  }

  /* A search asks the server which reports it finds (one rule, on the server, for every
   * language and script); the answers are kept, and the map shows the last one meanwhile. */
  const searches = new Map();  // query -> promise of the ids found
  const answered = new Map();  // query -> the ids found, once the server has answered
  let lastFound = null;
  function searchIds(q) {
    if (!searches.has(q)) {
      const url = `${config.searchUrl}${config.searchUrl.includes("?") ? "&" : "?"}q=${encodeURIComponent(q)}`;
      searches.set(q, wm.loadJson(url)
        .then((body) => { const ids = new Set(body.ids); answered.set(q, ids); return ids; })
        .catch((error) => { searches.delete(q); throw error; }));
    }
    return searches.get(q);
  }

  function withSearch(criteria) {
    if (!criteria.q || !config.searchUrl) return Promise.resolve(criteria);
    return searchIds(criteria.q).then((ids) => ({ ...criteria, qIds: ids }));
  }

  /* Modules that add to the map's state (webmap-compare.js, webmap-projector.js), registered
   * with window.webmap.extend({apply(params), state(params), limit(criteria)}): apply reads a
   * link, state writes into it, limit narrows what this map shows (it sees the reader's
   * criteria first). */
  const extensions = [];

  let searching = null;
  let placed = Promise.resolve();
  let refreshes = 0;  // how often the reports were filtered: the first time, the panel waits
  function refresh() {
    let criteria = core.parseCriteria(filterParams(), config.fold);
    searching = null;
    if (criteria.q && config.searchUrl) {
      const q = criteria.q;
      const answer = searchIds(q);
      answer.then((ids) => {
        lastFound = ids;
        if (searching === q) { searching = null; refresh(); }
      }, () => {
        if (searching === q) {
          searching = null;
          delete root.dataset.searching;
          statusLine.textContent = _("The search could not reach the map's server. Try again.");
        }
      });
      const known = answered.get(q);
      if (known) criteria.qIds = known;
      else { searching = q; criteria.qIds = lastFound || new Set(); }
    }
    for (const extension of extensions) if (extension.limit) criteria = extension.limit(criteria);
    const shown = features.filter((f) => core.matches(f, criteria));
    placed = wm.showOnly(new Set(shown.map((f) => f.properties.id)));
    wm.recolour(criteria.to || null);
    const text = ngettext("%(shown)s of %(n)s report shown", "%(shown)s of %(n)s reports shown", features.length, { shown: shown.length });
    refreshes += 1;
    const panel = () => {
      updateCounts(criteria);
      blocDate.textContent = criteria.to ? _("on %(date)s", { date: core.formatDate(criteria.to) }) : _("today");
      timeSummary.textContent = describeTime(criteria);
      matchCount.textContent = text;
    };
    if (refreshes > 1) panel();
    else {  // the first time, the markers reach the screen before the panel's counts are written
      const first = refreshes;
      placed.then(() => requestAnimationFrame(() => { if (refreshes === first) panel(); }));
    }
    statusLine.textContent = text + ". " + (shown.length ? _("Click a marker for its sources.") : _("Clear a filter to see more."));
    root.dataset.shownReports = String(shown.length);
    if (searching) {  // the server has not answered yet: the map shows the last search's reports
      root.dataset.searching = searching;
      statusLine.textContent = _("Searching…");
    } else {
      delete root.dataset.searching;
    }
    return shown;
  }

  /* ---- the URL ---- */

  function viewParam() {
    const c = map.getCenter();
    return `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
  }

  const embedded = new URLSearchParams(window.location.search).get("embed") === "1";
  // The language a link asked for stays in the URL, so a shared link opens in it.
  const linkLang = new URLSearchParams(window.location.search).get("lang");
  const embedLink = document.getElementById("embed-open");
  // A teacher's story carried by the link itself; webmap-story-maker.js sets what it answers.
  const linkStory = { id: null, hash: "" };

  function stateParams() {
    const params = filterParams();
    if (embedded) params.set("embed", "1");
    if (linkLang) params.set("lang", linkLang);
    const story = window.webmapStories.state();
    if (openId && !story) params.set("report", openId);  // in a story, the step names the report
    const rings = [...window.webmapTools.chosenRings].sort();
    if (rings.length) params.set("ring", rings.join(","));
    if (story) {  // a story from a link (#story=, webmap-story-maker.js) lives in the hash
      if (story.story !== linkStory.id) params.set("story", story.story);
      params.set("step", String(story.step));
    }
    for (const extension of extensions) if (extension.state) extension.state(params);
    params.set("map", viewParam());
    return params;
  }

  /* Record the state: a new history entry when filters or the report changed, else replace.
   * While the map settles after Back/Forward or a story step (flying, opening the popup), the
   * changes it makes replace the entry instead of adding new ones. */
  let writeTimer = null;
  let settling = 0;
  let pendingPush = false;
  function settleWhile(promise) {
    settling += 1;
    Promise.resolve(promise).finally(() => setTimeout(() => { settling -= 1; }, 50));
  }
  function syncUrl(allowPush) {
    pendingPush = pendingPush || (allowPush && settling === 0);
    clearTimeout(writeTimer);
    writeTimer = setTimeout(() => {
      const push = pendingPush;
      pendingPush = false;
      const next = stateParams();
      const current = new URLSearchParams(window.location.search);
      const withoutView = (p) => { const c = new URLSearchParams(p); c.delete("map"); return c.toString(); };
      if (embedLink) {
        const full = new URLSearchParams(next);
        full.delete("embed");
        embedLink.href = `${window.location.pathname}?${full.toString()}`;
      }
      const story = window.webmapStories.state();
      const hash = story && story.story === linkStory.id ? linkStory.hash : "";
      if (next.toString() === current.toString() && window.location.hash === hash) return;
      const changed = withoutView(next) !== withoutView(current) || window.location.hash !== hash;
      const url = `${window.location.pathname}?${next.toString()}${hash}`;
      if (push && changed) window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    }, 0);
  }

  function applyUrl() {
    const waits = [];
    const params = new URLSearchParams(window.location.search);
    const hash = /(?:^#|&)report=([a-z0-9-]+)/.exec(window.location.hash);  // older links
    for (const extension of extensions) if (extension.apply) extension.apply(params);
    setControls(params);
    refresh();
    const view = (params.get("map") || "").split("/").map(Number);
    const hasView = view.length === 3 && view.every(Number.isFinite);
    if (hasView) map.setView([view[1], view[2]], view[0], { animate: false });
    const report = params.get("report") || (hash && hash[1]);
    openId = report || null;
    if (report) waits.push(wm.openReport(report, hasView));
    else map.closePopup();
    waits.push(window.webmapTools.setRings(params.getAll("ring").flatMap((v) => v.split(",")).filter(Boolean)));
    const story = params.get("story") || (linkStory.hash && window.location.hash === linkStory.hash ? linkStory.id : null);
    const arriving = story && window.webmapStories.start(story, Number(params.get("step")) || 1, false);
    if (arriving) waits.push(arriving);
    else window.webmapStories.close(false);
    settleWhile(Promise.all(waits));
  }

  map.on("popupopen", (e) => {
    if (!e.popup.reportId) return;
    openId = e.popup.reportId;
    syncUrl(true);
  });
  map.on("popupclose", (e) => {
    if (e.popup.reportId && e.popup.reportId === openId) {
      openId = null;
      syncUrl(true);
    }
  });
  map.on("moveend", () => syncUrl(false));
  window.webmapTools.onRingsChange(() => syncUrl(true));
  window.webmapStories.onChange((done) => { syncUrl(true); settleWhile(done); });
  window.addEventListener("popstate", applyUrl);

  /* ---- controls ---- */

  form.addEventListener("change", (event) => {
    if (event.target === search) return;
    stop();
    refresh();
    syncUrl(true);
  });
  search.addEventListener("input", () => { refresh(); syncUrl(false); });
  search.addEventListener("change", () => { refresh(); syncUrl(true); });
  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); syncUrl(true); });
  form.addEventListener("reset", () => {
    stop();
    setTimeout(() => { refresh(); syncUrl(true); }, 0);
  });

  /* Clear every filter at once (a story shows all its reports). */
  function clearFilters() {
    stop();
    form.reset();
    refresh();
  }
  window.webmapControls = { clearFilters };
  document.getElementById("time-all").addEventListener("click", () => {
    stop();
    timeFrom.value = "";
    timeTo.value = "";
    refresh();
    syncUrl(true);
  });

  /* While playing, the month shown stands large on the map. */
  const bigDate = document.getElementById("map-date");
  function showBigDate(month) {
    bigDate.hidden = !month;
    bigDate.textContent = month ? core.formatDate(month) : "";
  }

  function stop() {
    if (!player) return;
    clearInterval(player);
    player = null;
    showBigDate("");
    playButton.setAttribute("aria-pressed", "false");
    playButton.textContent = "▶ " + _("Play by month");
    syncUrl(true);
  }

  function play() {
    if (!timeFrom.value) timeFrom.value = firstMonth;
    let month = timeTo.value && timeTo.value >= timeFrom.value && timeTo.value < lastMonth ? timeTo.value : timeFrom.value;
    timeTo.value = month;
    refresh();
    showBigDate(month);
    playButton.setAttribute("aria-pressed", "true");
    playButton.textContent = "❚❚ " + _("Pause");
    player = setInterval(() => {
      month = core.addMonths(month, 1);
      if (month > lastMonth) { stop(); return; }
      timeTo.value = month;
      refresh();
      showBigDate(month);
      syncUrl(false);
    }, window.webmap.playStepMs);
  }

  playButton.addEventListener("click", () => (player ? stop() : play()));

  /* ---- start ---- */

  window.webmap = {
    playStepMs: 800,
    linkStory,
    ready: null,  // a promise: the reports are placed and the URL's state applied
    features: () => features,
    extend(extension) { extensions.push(extension); },
    refresh: () => refresh(),
    syncUrl,
    /* Ids the browser shows for a query string such as "kind=strike&from=2024" (a promise). */
    filterIds(query) {
      return withSearch(core.parseCriteria(new URLSearchParams(query), config.fold)).then((criteria) => (
        features.filter((f) => core.matches(f, criteria)).map((f) => f.properties.id).sort()));
    },
  };

  let markReady = null;
  window.webmap.ready = new Promise((resolve) => { markReady = resolve; });
  wm.loadJson(config.reportsUrl)
    .then((collection) => {
      features = collection.features;
      const months = features.map((f) => f.properties.date.slice(0, 7)).filter((m) => m.length === 7).sort();
      firstMonth = months[0] || "";
      lastMonth = months[months.length - 1] || "";
      wm.setReports(features);
      applyUrl();
      syncUrl(false);
      markReady();
      return placed;
    })
    .then(() => {
      root.dataset.reportsDrawn = String(features.length);
      performance.mark("webmap:markers-drawn");
      // Let the frame with the markers reach the screen before the outlines and names are read.
      return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    })
    .then(() => {
      wm.showOverlays();
      return Promise.all([wm.countriesDrawn, window.webmapLabels.start()]);
    })
    .then(() => {
      window.webmapLabels.noteCountryBounds();
      window.webmapLabels.relayout();
      return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    })
    .then(() => {
      root.dataset.mapDrawn = "true";
      wm.firstViewDone();  // then the rest of the world's outlines, rivers and lakes
      window.webmapLabels.startWater();
    })
    .catch((error) => {
      wm.showOverlays();
      wm.firstViewDone();
      window.webmapLabels.startWater();
      statusLine.textContent = _("The reports could not be loaded (%(error)s). Try reloading the page.", { error: error.message });
      statusLine.classList.add("map-status-error");
    });
})();
