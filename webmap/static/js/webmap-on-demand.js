/* webmap's lesson tools, loaded when first wanted: the second map of a comparison
 * (webmap-compare.js), the story maker and story links (webmap-story-link.js,
 * webmap-story-maker.js), the quiz (webmap-quiz.js) and the worksheet and citation
 * (webmap-worksheet.js) are not in the map's first script, so the first view is lighter. Their
 * buttons show at once; the first press loads the tool, which then answers that press. A link
 * that needs a tool (#story=, the worksheet page) loads it at the start. The script addresses
 * come from the page (config.onDemand: a name -> its files, in order). Exposes
 * window.webmapOnDemand. */
(function () {
  "use strict";

  const { _ } = window.webmapI18n;
  const wm = window.webmapMap;
  const files = wm.config.onDemand || {};
  // The address as the reader arrived, before the map writes its own state there.
  const arrivedSearch = window.location.search;
  const arrivedHash = window.location.hash;
  const loading = new Map();  // a tool's name -> the promise of its files, run in order
  const WORKSHEET_SKIPS = ["story", "step", "report"];  // what the worksheet's map leaves out
  const loaded = new Set();  // the tools whose files have run (they answer their buttons)

  function script(url) {
    return new Promise((resolve, reject) => {
      const node = document.createElement("script");
      node.src = url;
      node.onload = resolve;
      node.onerror = () => reject(new Error(url));
      document.head.append(node);
    });
  }

  /* Load a tool's files once (a promise); a failed load can be tried again. */
  function load(name) {
    if (!loading.has(name)) {
      const done = (files[name] || []).reduce((before, url) => before.then(() => script(url)), Promise.resolve());
      loading.set(name, done.then(() => { loaded.add(name); }, (error) => { loading.delete(name); throw error; }));
    }
    return loading.get(name);
  }

  /* Show a tool's button (or link) now; its first press loads the tool and presses it again. */
  function onFirstPress(id, name) {
    const button = document.getElementById(id);
    if (!button) return;
    const start = button.closest("[hidden]");
    if (start) start.hidden = false;
    function first(event) {
      button.removeEventListener("click", first);
      if (loaded.has(name)) return;  // loaded by a link meanwhile: the tool answers this press
      event.preventDefault();
      button.setAttribute("aria-busy", "true");
      load(name).then(() => { button.removeAttribute("aria-busy"); button.click(); }, () => {
        button.removeAttribute("aria-busy");
        button.title = _("This tool could not be loaded. Reload the page and try again.");
        button.addEventListener("click", first);
      });
    }
    button.addEventListener("click", first);
  }

  onFirstPress("story-maker-open", "story");
  onFirstPress("quiz-open", "quiz");
  onFirstPress("cite-open", "worksheet");

  // The worksheet link takes the view the map shows now (the worksheet page reads it).
  const worksheetLink = document.getElementById("worksheet-open");
  function pointWorksheetLink() {
    if (worksheetLink && wm.config.worksheetUrl) worksheetLink.href = wm.config.worksheetUrl + window.location.search;
  }
  if (worksheetLink) {
    for (const event of ["focus", "mouseenter", "click"]) worksheetLink.addEventListener(event, pointWorksheetLink);
  }

  if (arrivedHash.startsWith(wm.config.storyRules.linkPrefix)) load("story");
  if (document.body.classList.contains("worksheet-page")) {
    // The worksheet's map shows the view's reports; its story gives questions, not a tour.
    const view = new URLSearchParams(arrivedSearch);
    for (const name of WORKSHEET_SKIPS) view.delete(name);
    window.history.replaceState(null, "", `${window.location.pathname}?${view.toString()}`);
    load("worksheet");
  }

  window.webmapOnDemand = { load, arrivedSearch, arrivedHash };
})();
