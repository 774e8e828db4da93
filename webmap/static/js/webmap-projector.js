/* webmap projector mode (?projector=1, and a button on the map): names of at least 20 px
 * (webmap-labels.js), the projector's deeper palette and thicker outlines (webmap/render/palette.py,
 * through webmap-map.js countryStyle and /palette.css), larger controls and the panel folded
 * away (webmap.css, html.projector). Kept in the link. Exposes window.webmapProjector. */
(function () {
  "use strict";

  const { _ } = window.webmapI18n;
  const wm = window.webmapMap;
  const map = wm.map;
  const root = document.documentElement;
  let button = null;

  function isOn() { return root.classList.contains("projector"); }

  function set(on) {
    if (on === isOn()) return;
    root.classList.toggle("projector", on);
    if (!on) root.classList.remove("panel-open");
    if (button) button.setAttribute("aria-pressed", String(on));
    wm.recolour(root.dataset.blocDay || null);
    map.invalidateSize({ animate: false });
    if (window.webmapLabels) window.webmapLabels.relayout();
    document.dispatchEvent(new CustomEvent("webmap:projector", { detail: { on } }));
  }

  const ProjectorControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd() {
      const box = L.DomUtil.create("div", "leaflet-bar projector-control");
      button = L.DomUtil.create("button", "projector-button", box);
      button.type = "button";
      // On a phone only the sign shows; the button's name is always the whole word.
      button.append(L.DomUtil.create("span", "projector-icon"), L.DomUtil.create("span", "projector-word"));
      button.firstChild.textContent = "◐";
      button.firstChild.setAttribute("aria-hidden", "true");
      button.lastChild.textContent = " " + _("Projector mode");
      button.setAttribute("aria-label", _("Projector mode"));
      button.title = _("Projector mode: larger names and controls, stronger colours");
      button.setAttribute("aria-pressed", String(isOn()));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", () => {
        set(!isOn());
        window.webmap.syncUrl(true);
      });
      return box;
    },
  });

  set(new URLSearchParams(window.location.search).get("projector") === "1");
  new ProjectorControl().addTo(map);

  window.webmap.extend({
    apply(params) { set(params.get("projector") === "1"); },
    state(params) { if (isOn()) params.set("projector", "1"); },
  });

  window.webmapProjector = { isOn, set };
})();
