/* webmap layout: the legend and the status line on the map, the story box above the bottom edge,
 * the panel as a drawer on small screens and reports as a bottom sheet there.
 * Exposes window.webmapLayout. */
(function () {
  "use strict";

  const wm = window.webmapMap;
  const map = wm.map;
  const root = document.documentElement;
  const narrow = window.matchMedia("(max-width: 700px)");
  const embedded = new URLSearchParams(window.location.search).get("embed") === "1";
  const LEGEND_KEY = "webmap.legend";

  function remembered(key) { try { return window.localStorage.getItem(key); } catch (error) { return null; } }
  function remember(key, value) { try { window.localStorage.setItem(key, value); } catch (error) { /* private mode */ } }

  /* Put an element of the page into a map corner, as a Leaflet control. */
  function control(node, position, className) {
    const Control = L.Control.extend({
      options: { position },
      onAdd() {
        const box = L.DomUtil.create("div", className);
        box.append(node);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    return new Control().addTo(map);
  }

  /* ---- the legend: on the map, open or closed as the reader last left it ---- */

  const legend = document.getElementById("legend");
  if (legend) {
    const saved = remembered(LEGEND_KEY);
    legend.open = saved ? saved === "open" : !narrow.matches && !embedded;
    control(legend, "topright", "map-legend-control");
    legend.addEventListener("toggle", () => {
      remember(LEGEND_KEY, legend.open ? "open" : "closed");
      if (window.webmapLabels) window.webmapLabels.relayout();
    });
  }

  /* ---- the bottom edge: the status line and the story box stack above the scale bar ---- */

  const status = document.getElementById("map-status");
  if (status) control(status, "bottomleft", "map-status-control");
  const story = document.getElementById("story-player");
  // On a phone the report sheet takes the bottom of the screen, so the story box goes to the top.
  const storyControl = story ? control(story, narrow.matches ? "topleft" : "bottomleft", "story-control") : null;

  /* ---- small screens: the panel is a drawer ---- */

  const toggle = document.getElementById("panel-toggle");
  const panel = document.getElementById("panel");
  function setDrawer(open) {
    root.classList.toggle("panel-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
    if (open && panel) panel.focus();
  }
  if (toggle) toggle.addEventListener("click", () => setDrawer(!root.classList.contains("panel-open")));
  const close = document.getElementById("panel-close");
  if (close) close.addEventListener("click", () => { setDrawer(false); if (toggle) toggle.focus(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && root.classList.contains("panel-open")) setDrawer(false); });
  for (const link of document.querySelectorAll("a.story-start")) link.addEventListener("click", () => setDrawer(false));

  /* ---- small screens: a report opens as a sheet along the bottom, never wider than the screen ---- */

  const sheet = document.getElementById("report-sheet");
  const sheetBody = document.getElementById("report-sheet-body");
  function sheetMode() { return Boolean(sheet) && narrow.matches; }
  function applyMode() { root.classList.toggle("sheet-mode", sheetMode()); }
  applyMode();
  narrow.addEventListener("change", () => {
    applyMode();
    if (storyControl) storyControl.setPosition(narrow.matches ? "topleft" : "bottomleft");
    map.closePopup();
    map.invalidateSize();
  });

  map.on("popupopen webmap:popupfilled", (e) => {
    if (!sheetMode()) return;
    const content = e.popup.getElement().querySelector(".leaflet-popup-content");
    sheetBody.replaceChildren(...content.childNodes);
    sheet.hidden = false;
    sheet.scrollTop = 0;
    // Keep the report's place in sight above the sheet.
    const at = map.latLngToContainerPoint(e.popup.getLatLng());
    const free = map.getSize().y - sheet.getBoundingClientRect().height;
    if (at.y > free - 30) map.panBy([0, at.y - free / 2], { animate: false });
  });
  map.on("popupclose", () => { if (sheet) { sheet.hidden = true; sheetBody.replaceChildren(); } });
  if (sheet) document.getElementById("report-sheet-close").addEventListener("click", () => map.closePopup());

  window.webmapLayout = { sheetMode, setDrawer };
})();
