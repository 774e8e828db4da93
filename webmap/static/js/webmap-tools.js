/* webmap classroom tools: range rings (all, or one report's) and a distance measuring tool.
 * Exposes window.webmapTools. Text goes in with textContent only. */
(function () {
  "use strict";

  const wm = window.webmapMap;
  const map = wm.map;
  const config = wm.config;
  const core = window.webmapCore;
  const { _ } = window.webmapI18n;
  const EARTH_KM = 6371.0088;

  /* ---- range rings ---- */

  let ringData = null;
  const ringLayers = new Map();  // report id -> layer with the ring and its label
  const allRings = L.layerGroup();
  const chosenRings = new Set();  // rings shown one by one from popups
  const listeners = [];

  function loadRings() {
    ringData = ringData || wm.loadJson(config.layerUrls.ranges).then((data) => {
      for (const feature of data.features) ringLayers.set(feature.properties.report_id, ringLayer(feature));
      return data;
    });
    return ringData;
  }

  function ringLayer(feature) {
    const group = L.layerGroup();
    L.geoJSON(feature, {
      style: { color: "#b91c1c", weight: 2, dashArray: "7 5", fillColor: "#b91c1c", fillOpacity: 0.05 },
      interactive: false,
      className: "range-ring",
    }).addTo(group);
    const label = document.createElement("span");
    label.textContent = feature.properties.label;
    const [lon, lat] = feature.properties.label_at;
    L.tooltip({ permanent: true, direction: "center", className: "ring-label", interactive: false })
      .setLatLng([lat, lon]).setContent(label).addTo(group);
    return group;
  }

  function hasRing(id) { return config.ringIds.includes(id); }

  function showRing(id, on) {
    return loadRings().then(() => {
      const layer = ringLayers.get(id);
      if (!layer) return;
      if (on) { chosenRings.add(id); layer.addTo(map); } else { chosenRings.delete(id); if (!map.hasLayer(allRings) || !allRings.hasLayer(layer)) layer.remove(); }
      document.documentElement.dataset.ringsShown = String(chosenRings.size);
      listeners.forEach((fn) => fn());
    });
  }

  function setRings(ids) {
    for (const id of [...chosenRings]) if (!ids.includes(id)) showRing(id, false);
    return Promise.all(ids.filter(hasRing).map((id) => showRing(id, true)));
  }

  map.on("overlayadd", (e) => {
    if (e.layer !== allRings) return;
    loadRings().then(() => { for (const layer of ringLayers.values()) allRings.addLayer(layer); });
  });
  map.on("overlayremove", (e) => {
    if (e.layer !== allRings) return;
    allRings.clearLayers();
    for (const id of chosenRings) ringLayers.get(id).addTo(map);
  });
  wm.control.addOverlay(allRings, _("Range rings (reported ranges)"));

  /* ---- measuring ---- */

  function toRad(d) { return (d * Math.PI) / 180; }

  /* Great-circle distance on a sphere of the Earth's mean radius (within 0.5% of WGS 84). */
  function distanceKm(a, b) {
    const dLat = toRad(b.lat - a.lat);
    const dLon = toRad(b.lng - a.lng);
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /* Points along the great circle from a to b, so long lines are drawn as the shortest path. */
  function greatCircle(a, b, steps) {
    const p1 = [toRad(a.lat), toRad(a.lng)];
    const p2 = [toRad(b.lat), toRad(b.lng)];
    const d = distanceKm(a, b) / EARTH_KM;
    if (d < 1e-9) return [a, b];
    const points = [];
    for (let i = 0; i <= steps; i++) {
      const f = i / steps;
      const A = Math.sin((1 - f) * d) / Math.sin(d);
      const B = Math.sin(f * d) / Math.sin(d);
      const x = A * Math.cos(p1[0]) * Math.cos(p1[1]) + B * Math.cos(p2[0]) * Math.cos(p2[1]);
      const y = A * Math.cos(p1[0]) * Math.sin(p1[1]) + B * Math.cos(p2[0]) * Math.sin(p2[1]);
      const z = A * Math.sin(p1[0]) + B * Math.sin(p2[0]);
      points.push(L.latLng((Math.atan2(z, Math.hypot(x, y)) * 180) / Math.PI, (Math.atan2(y, x) * 180) / Math.PI));
    }
    return points;
  }

  const measureLine = L.polyline([], { color: "#111827", weight: 3, dashArray: "2 6", interactive: false });
  const measureDots = L.layerGroup();
  const measurePoints = [];
  let measuring = false;
  let button = null;
  let readout = null;

  /* A distance in km (and miles), the numbers written the page language's way. */
  function distanceWords(km) { return { km: core.formatNumber(km), miles: core.formatNumber(km * 0.621371) }; }

  function totalKm() {
    let km = 0;
    for (let i = 1; i < measurePoints.length; i++) km += distanceKm(measurePoints[i - 1], measurePoints[i]);
    return km;
  }

  function redraw() {
    const path = [];
    for (let i = 1; i < measurePoints.length; i++) path.push(...greatCircle(measurePoints[i - 1], measurePoints[i], 32));
    measureLine.setLatLngs(path.length ? path : measurePoints);
    const km = Math.round(totalKm());
    readout.textContent = measurePoints.length < 2
      ? _("Click on the map to set the start, then the next point.")
      : _("Distance: %(km)s km (about %(miles)s miles). Click to add a point; Esc to stop.", distanceWords(km));
    document.documentElement.dataset.measuredKm = String(km);
  }

  function addPoint(latlng) {
    measurePoints.push(latlng);
    L.circleMarker(latlng, { radius: 4, color: "#111827", fillColor: "#fff", fillOpacity: 1, interactive: false }).addTo(measureDots);
    redraw();
  }

  function setMeasuring(on) {
    measuring = on;
    button.setAttribute("aria-pressed", String(on));
    labelButton(on);
    map.getContainer().classList.toggle("measuring", on);
    if (on) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
    if (on) {
      measurePoints.length = 0;
      measureDots.clearLayers();
      measureLine.addTo(map);
      measureDots.addTo(map);
      readout.hidden = false;
      redraw();
    } else if (measurePoints.length < 2) {
      measureLine.remove();
      measureDots.remove();
      readout.hidden = true;
    } else {
      const km = Math.round(totalKm());
      readout.textContent = _("Distance: %(km)s km (about %(miles)s miles). Esc clears the line.", distanceWords(km));
    }
  }

  /* An icon and a short word ("Measure", "Stop"); the rest of the label shows where there is
   * room (not on a phone), and the button's accessible name is always the whole label. */
  function labelButton(on) {
    // The spans are made once and only their text changes: a click's target must stay in the
    // page, or Leaflet takes the click on the button for a click on the map (a point).
    if (!button.firstChild) {
      button.append(L.DomUtil.create("span", "measure-icon"), L.DomUtil.create("span", "measure-word"),
        L.DomUtil.create("span", "measure-more"));
      button.firstChild.setAttribute("aria-hidden", "true");
    }
    const [icon, word, more] = button.children;
    icon.textContent = on ? "■" : "↔";
    word.textContent = on ? _("Stop") : _("Measure");
    // The rest of the English label; other languages show the short word (their whole label
    // is the button's name and title).
    more.textContent = window.webmapI18n.lang !== "en" ? "" : on ? " measuring" : " a distance";
    button.setAttribute("aria-label", on ? _("Stop measuring") : _("Measure a distance"));
    button.title = on ? _("Stop measuring (Esc)") : _("Measure a distance: click on the map to set points");
  }

  const MeasureControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd() {
      const box = L.DomUtil.create("div", "leaflet-bar measure-control");
      button = L.DomUtil.create("button", "measure-button", box);
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      labelButton(false);
      readout = L.DomUtil.create("p", "measure-readout", box);
      readout.setAttribute("role", "status");
      readout.hidden = true;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", () => setMeasuring(!measuring));
      return box;
    },
  });
  new MeasureControl().addTo(map);
  map.on("click", (e) => { if (measuring) addPoint(e.latlng); });
  /* Esc ends measuring and clears the line and its readout. */
  function clearMeasure() {
    if (measuring) setMeasuring(false);
    measurePoints.length = 0;
    measureDots.clearLayers();
    measureLine.setLatLngs([]);
    measureLine.remove();
    measureDots.remove();
    readout.hidden = true;
    readout.textContent = "";
    delete document.documentElement.dataset.measuredKm;
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && (measuring || !readout.hidden)) clearMeasure(); });

  window.webmapTools = {
    showRing, setRings, hasRing, chosenRings, onRingsChange: (fn) => listeners.push(fn),
    distanceKm, addPoint, setMeasuring, clearMeasure,
  };
})();
