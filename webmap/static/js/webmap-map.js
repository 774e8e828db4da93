/* webmap map layer: report markers in clusters, popups, boundary detail and country colours.
 * Builds all text with textContent, never innerHTML. Exposes window.webmapMap. */
(function () {
  "use strict";

  const core = window.webmapCore;
  const { _, ngettext } = window.webmapI18n;
  const config = JSON.parse(document.getElementById("webmap-config").textContent);
  const folium = window.webmapFolium;
  const map = folium.map;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* JSON from the server, or, in the static site (file://), from a data script it ships. */
  function loadJson(url) {
    const script = (config.dataScripts || {})[url];
    if (!script) {
      return fetch(url).then((response) => {
        if (!response.ok) throw new Error(_("the server answered %(status)s", { status: response.status }));
        return response.json();
      });
    }
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = script;
      tag.onload = () => resolve(window.webmapData[url]);
      tag.onerror = () => reject(new Error(_("%(file)s could not be loaded", { file: script })));
      document.head.append(tag);
    });
  }

  /* Start a download now and read it later: the outlines and names arrive while the markers
   * are placed, after the script and the reports (which need the network first), and are
   * parsed only when asked. In the static site the data script is loaded when asked. */
  function prefetch(url) {
    if (!url || (config.dataScripts || {})[url]) return { read: () => loadJson(url) };
    const response = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`the server answered ${r.status}`);
      return r;
    });
    response.catch(() => {});  // reported by read()
    return { read: () => response.then((r) => r.json()) };
  }

  function isWebUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url.trim()); }

  function kindStyle(kind) { return config.kinds[kind] || { label: kind, symbol: "?", colour: "#444444" }; }

  function statusLabel(status) { return (config.statuses[status] || { label: status }).label; }

  /* The kind's colour comes from its class in /palette.css (no style set per marker). */
  function badge(props) {
    const kind = kindStyle(props.kind);
    const node = el("span", `report-badge kind-${props.kind} status-${props.status}`, kind.symbol);
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  /* A div icon whose element carries an accessible name (Leaflet gives it role=button). */
  const NamedIcon = L.DivIcon.extend({
    createIcon(oldIcon) {
      // A marker's content is built when it is first drawn (most start inside a cluster).
      if (this.options.build) { this.options.html = this.options.build(); this.options.build = null; }
      const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.setAttribute("aria-label", this.options.label);
      if (this.options.reportId) div.dataset.reportId = this.options.reportId;
      return div;
    },
  });

  function sourceItem(source) {
    const item = el("li");
    const name = source.title ? `${source.publisher}: ${source.title}` : source.publisher;
    if (isWebUrl(source.url)) {
      const link = el("a", null, name);
      link.href = source.url.trim();
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      item.append(link);
    } else {
      item.append(el("span", null, name));
    }
    const affiliation = config.affiliations[source.affiliation] || config.affiliations.unknown;
    item.append(" ", el("span", `affiliation affiliation-${source.affiliation}`, affiliation));
    if (source.published) item.append(" ", el("span", "published", _("published %(date)s", { date: core.formatDate(source.published) })));
    if (source.says) item.append(el("span", "source-says", source.says));
    return item;
  }

  /* The sources grouped by how they stand to the claim: the claim, who reported it, who
   * confirmed, disputed or denied it, background. Sources without a stance come last. */
  function sourceGroups(sources) {
    const stances = config.stances || {};
    const order = (config.stanceOrder || Object.keys(stances)).map((code) => [code, stances[code]]);
    const groups = [];
    for (const [code, label] of [...order, ["", _("Sources")]]) {
      const members = sources.filter((s) => (code ? s.stance === code : !(s.stance in stances)));
      if (!members.length) continue;
      const list = el("ol", "sources");
      members.forEach((s) => list.append(sourceItem(s)));
      groups.push(el("h4", `source-group stance-${code || "none"}`, label), list);
    }
    return groups;
  }

  /* Where a report's texts came from, when the page is not in English (localized.py marks it). */
  function translationNote(p) {
    if (p.translated_by === "machine") return _("Machine translation");
    if (p.untranslated) return _("Not yet translated: shown in English");
    return "";
  }

  /* A text of the report with the first use of each glossary term linked (derived.terms). */
  function termText(tag, className, p, field) {
    const glossary = window.webmapGlossary;
    if (!glossary || !config.glossaryUrl) return el(tag, className, p[field]);
    return glossary.linkedText(el(tag, className), p[field], p.derived && p.derived.terms, field, config.glossaryUrl);
  }

  function popupContent(feature) {
    const p = feature.properties;
    const box = el("article", "report-popup");
    box.dataset.reportId = p.id;
    const head = el("p", "report-kind");
    head.append(badge(p), " ", kindStyle(p.kind).label, " · ", el("span", `status status-${p.status}`, statusLabel(p.status)));
    box.append(head, termText("h2", "report-title", p, "title"));
    const note = translationNote(p);
    if (note) box.append(el("p", "translation-note", note));
    let when = writtenDate(p);
    if (p.expected) when += " · " + _("expected %(when)s", { when: writtenExpected(p) });
    box.append(el("p", "report-meta", `${when} · ${p.place}`));
    if (p.precision === "country") {
      box.append(el("p", "report-precision", _("No exact place is known: the report is about the whole country (dashed outline).")));
    } else if (p.precision === "region") {
      box.append(el("p", "report-precision", _("The place is known only to the region (dashed ring on the marker).")));
    }
    box.append(el("p", "report-claimant", _("Claimed by: %(who)s", { who: p.claimed_by || _("no single claimant") })));
    if (p.summary) box.append(termText("p", "report-summary", p, "summary"));  // the light view has none
    const sources = p.sources || [];
    box.append(el("h3", null, sources.length === 1 ? _("Source (only one)") : _("Sources (%(n)s)", { n: sources.length })));
    box.append(...sourceGroups(sources));
    const caveat = p.derived && p.derived.caveat;
    if (caveat) box.append(el("p", "caveat", caveat));
    if (p.range_km && window.webmapTools && window.webmapTools.hasRing(p.id)) box.append(ringButton(p));
    const more = el("a", "report-link", _("Full report page"));
    more.href = config.reportPageUrl.replace("REPORT_ID", encodeURIComponent(p.id));
    const footer = el("p", "report-footer");
    footer.append(more);
    const group = areaOf.get(p.id);
    if (group && group.shown.size > 1) {
      const back = el("button", "area-back", "◀ " + ngettext("The %(n)s report about %(place)s", "All %(n)s reports about %(place)s", group.shown.size, { place: group.name }));
      back.type = "button";
      back.addEventListener("click", () => group.badge.openPopup());
      footer.append(" ", back);
    }
    box.append(footer);
    for (const extra of popupExtras) extra(p, box);  // e.g. the story maker's "Add" button
    return box;
  }
  const popupExtras = [];

  function ringButton(p) {
    const tools = window.webmapTools;
    const button = el("button", "ring-toggle");
    button.type = "button";
    const label = () => {
      const on = tools.chosenRings.has(p.id);
      button.textContent = on ? _("Hide range ring") : _("Show range ring (%(km)s km)", { km: core.formatNumber(p.range_km) });
      button.setAttribute("aria-pressed", String(on));
    };
    label();
    button.addEventListener("click", () => tools.showRing(p.id, !tools.chosenRings.has(p.id)).then(label));
    return button;
  }

  /* Room the popup must leave free: the legend (top right) and the story box (bottom). */
  function reservedEdges() {
    const mapBox = map.getContainer().getBoundingClientRect();
    let right = 12;
    let bottom = 40;
    // The legend takes the right; the story box, the status line, the scale bar and the
    // attribution take the bottom (as tall as they are drawn: they wrap on narrow maps).
    const reserved = ".map-legend-control .legend[open], #story-player:not([hidden]), .leaflet-bottom .leaflet-control";
    for (const node of document.querySelectorAll(reserved)) {
      const box = node.getBoundingClientRect();
      if (!box.width) continue;
      if (node.matches(".legend")) right = Math.max(right, mapBox.right - box.left + 12);
      else bottom = Math.max(bottom, mapBox.bottom - box.top + 12);
    }
    return { right, bottom };
  }

  /* A popup that sizes itself to the free part of the map each time it opens. */
  const FittedPopup = L.Popup.extend({
    update() {
      // Only an open popup is fitted: setContent on a closed one (every marker's, as the map
      // starts) would otherwise measure the page once per report.
      if (!this._map) return L.Popup.prototype.update.call(this);
      const size = map.getSize();
      const edges = reservedEdges();
      let free = size.x - edges.right - 24;
      if (free < 280) { edges.right = 12; free = size.x - 36; }
      const inSheet = Boolean(window.webmapLayout && window.webmapLayout.sheetMode());
      Object.assign(this.options, {
        autoPan: !inSheet,
        maxWidth: Math.max(200, Math.min(380, free)),
        minWidth: Math.min(260, Math.max(200, free)),
        maxHeight: Math.max(160, size.y - edges.bottom - 48),
        autoPanPaddingTopLeft: L.point(12, 12),
        autoPanPaddingBottomRight: L.point(edges.right, edges.bottom),
      });
      return L.Popup.prototype.update.call(this);
    },
  });

  /* The map first loads a light view of each report (sources cut to publisher, affiliation and
   * stance); a popup fetches the full record once, then shows every source. */
  const fullRecords = new Map();
  function fullRecord(feature) {
    const id = feature.properties.id;
    if (!feature.properties.slim || !config.reportApiUrl) return Promise.resolve(feature);
    if (!fullRecords.has(id)) {
      fullRecords.set(id, loadJson(config.reportApiUrl.replace("REPORT_ID", encodeURIComponent(id)))
        .then((full) => {
          // Keep the dates the light view had written in the page's language.
          const written = feature.properties.derived || {};
          feature.properties = full.properties;
          const derived = feature.properties.derived || (feature.properties.derived = {});
          for (const key of ["written_date", "written_expected"]) if (written[key]) derived[key] = written[key];
          return feature;
        })
        .catch((error) => { fullRecords.delete(id); throw error; }));
    }
    return fullRecords.get(id);
  }

  function popupFor(feature) {
    const popup = new FittedPopup({ autoPanPadding: [24, 24] });
    popup.setContent(() => {
      const box = popupContent(feature);
      if (feature.properties.slim) {
        box.setAttribute("aria-busy", "true");
        fullRecord(feature)
          .then(() => {
            if (!popup.isOpen()) return;
            popup.setContent(popup.getContent());
            map.fire("webmap:popupfilled", { popup });
          })
          .catch((error) => {
            box.removeAttribute("aria-busy");
            box.append(el("p", "caveat", _("The sources could not be loaded (%(error)s). Try again.", { error: error.message })));
          });
      }
      return box;
    });
    popup.reportId = feature.properties.id;
    return popup;
  }

  function markerFor(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const label = `${p.title} (${kindStyle(p.kind).label}, ${statusLabel(p.status)}, ${writtenDate(p)})`;
    const icon = new NamedIcon({
      build: () => badge(p), className: `report-marker precision-${p.precision}`, iconSize: [28, 28], iconAnchor: [14, 14],
      popupAnchor: [0, -12], label: label, reportId: p.id,
    });
    const marker = L.marker([lat, lon], { icon: icon, title: label, keyboard: true, riseOnHover: true });
    marker.bindPopup(popupFor(feature));
    marker.reportId = p.id;
    marker.feature = feature;
    return marker;
  }

  let chunksDone = null;  // resolves when the cluster group has taken every marker
  const clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 36,
    spiderfyOnMaxZoom: true,
    chunkedLoading: true,
    chunkProgress(processed, total) {
      if (processed >= total && chunksDone) { chunksDone(); chunksDone = null; }
    },
    iconCreateFunction(cluster) {
      const count = cluster.getChildCount();
      const span = el("span", "report-cluster-count", count);
      span.setAttribute("aria-hidden", "true");
      return new NamedIcon({
        html: span, className: "report-cluster", iconSize: [38, 38],
        label: ngettext("%(n)s report here; press Enter to zoom in", "%(n)s reports here; press Enter to zoom in", count),
      });
    },
  });

  const markers = new Map();  // report id -> marker, for reports placed at a site or a city

  /* Reports placed only to a region or a whole country are not pins at a centroid: each such
   * place gets one badge that lists them, and the map never zooms closer than they allow. */
  const areaGroups = new Map();  // "lon,lat" -> {key, name, latlng, features, shown, badge}
  const areaOf = new Map();  // report id -> its group
  const badges = L.layerGroup();
  const reportsLayer = L.layerGroup([clusters, badges]);

  function isAreaReport(p) { return p.precision === "country"; }

  function maxZoomFor(p) { return (config.precisionMaxZoom || {})[p.precision] || map.getMaxZoom(); }

  /* The short name of a place ("Belarus (location not disclosed)" -> "Belarus"). */
  function shortPlace(place) { return String(place || "").split(/ \(|, | \/ /)[0].trim() || String(place || ""); }

  function groupName(features) {
    // The name most of its reports give, those in the page's language first.
    const counts = new Map();
    for (const f of features) {
      // An untranslated report's countries, named in the page's language by the server.
      const n = (f.properties.derived && f.properties.derived.area_name) || shortPlace(f.properties.place);
      const translated = f.properties.lang && !f.properties.untranslated ? 1000 : 0;
      counts.set(n, (counts.get(n) || 0) + 1 + translated);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0][0];
  }

  function reportsWord(n) { return ngettext("%(n)s report", "%(n)s reports", n); }

  /* A report's date in the page's language: written by the server (derived.written_date), or
   * here when the record came without it. */
  function writtenDate(p) { return (p.derived && p.derived.written_date) || core.formatDate(p.date); }
  function writtenExpected(p) { return (p.derived && p.derived.written_expected) || core.formatPeriod(p.expected); }

  function badgeIcon(group) {
    const node = el("span", "area-badge-inner");
    node.append(el("span", "area-badge-count", group.shown.size), " ", el("span", "area-badge-place", group.name));
    node.setAttribute("aria-hidden", "true");
    return new NamedIcon({
      html: node, className: `area-badge area-${group.precision}`, iconSize: null,
      label: group.shown.size + " " + group.name + ": " + ngettext("%(n)s report about %(place)s as a whole, with no exact place; press Enter for the list", "%(n)s reports about %(place)s as a whole, with no exact place; press Enter for the list", group.shown.size, { place: group.name }),
    });
  }

  /* A badge hangs just below its point, centred, so the names of the places next to it stay free.
   * Every width is read before any margin is written, so the page is laid out once, not once
   * per badge. */
  function hangBadges(list) {
    const icons = list.map((b) => b._icon).filter(Boolean);
    const widths = icons.map((icon) => icon.offsetWidth);
    icons.forEach((icon, i) => {
      icon.style.marginLeft = `${-Math.round(widths[i] / 2)}px`;
      icon.style.marginTop = "8px";
    });
  }
  let hangingMany = false;  // while showOnly hangs them all at once

  /* Badges that would overlap are stacked one under the other: the boxes are read once and
   * moved by arithmetic, then every margin is written. */
  function stackBadges() {
    const icons = badges.getLayers().map((b) => b._icon).filter(Boolean);
    const boxes = icons.map((icon) => {
      const r = icon.getBoundingClientRect();
      const back = 8 - (parseFloat(icon.style.marginTop) || 0);  // as if it hung 8 px down
      return { icon, margin: 8, left: r.left, right: r.right, top: r.top + back, bottom: r.bottom + back };
    });
    boxes.sort((a, b) => a.top - b.top);
    const placed = [];
    for (const box of boxes) {
      for (let tries = 0; tries < 8; tries++) {
        const hit = placed.find((p) => box.left < p.right && p.left < box.right && box.top < p.bottom && p.top < box.bottom);
        if (!hit) break;
        const down = hit.bottom - box.top + 3;
        box.margin += down;
        box.top += down;
        box.bottom += down;
      }
      placed.push(box);
    }
    for (const box of boxes) box.icon.style.marginTop = `${box.margin}px`;
  }
  map.on("zoomend", stackBadges);

  /* The names the badges already show on the map (a country's name is not written twice). */
  function badgeNames() {
    return new Set([...areaGroups.values()].filter((g) => g.shown.size).map((g) => g.name));
  }

  function areaList(group) {
    const box = el("div", "area-list");
    box.append(el("h2", "area-list-title", `${group.name}: ${reportsWord(group.shown.size)}`));
    box.append(el("p", "area-list-note", _("These reports name no exact place inside the area, so they are listed here instead of pinned.")));
    const list = el("ul", "area-list-items");
    for (const f of group.features) {
      const p = f.properties;
      if (!group.shown.has(p.id)) continue;
      const button = el("button", "area-list-item");
      button.type = "button";
      button.dataset.reportId = p.id;
      button.append(badge(p), " ", el("span", "area-list-headline", p.title), " ",
        el("span", "area-list-date", `${writtenDate(p)} · ${statusLabel(p.status)}`));
      button.addEventListener("click", () => openAreaReport(p.id));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
    box.append(list);
    return box;
  }

  function addAreaReport(feature, key) {
    const p = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    let group = areaGroups.get(key);
    if (!group) {
      group = { key, latlng: L.latLng(lat, lon), features: [], shown: new Set(), precision: "country" };
      group.badge = L.marker(group.latlng, { keyboard: true, riseOnHover: true, zIndexOffset: 1000 });
      group.listPopup = new FittedPopup({ className: "area-list-popup" });
      group.listPopup.setContent(() => areaList(group));
      group.badge.bindPopup(group.listPopup);
      group.badge.areaGroup = group;
      group.badge.on("add", () => { if (!hangingMany) hangBadges([group.badge]); });
      areaGroups.set(key, group);
    }
    group.features.push(feature);
    feature.popup = popupFor(feature);
    areaOf.set(p.id, group);
    return group;
  }

  function openAreaReport(id) {
    const group = areaOf.get(id);
    const feature = group.features.find((f) => f.properties.id === id);
    feature.popup.setLatLng(group.latlng);
    map.openPopup(feature.popup);
  }

  function pointKey(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    return `${lon.toFixed(1)},${lat.toFixed(1)}`;
  }

  const groupAt = new Map();  // a country badge's point -> its group

  /* The countries a place names first: "Russia (ranges not named)" -> ["Russia"],
   * "Russia and Belarus (sites not disclosed)" -> ["Russia", "Belarus"]. */
  function placeCountries(place) {
    const head = String(place || "").split(/ \(|, | \/ /)[0];
    return head.split(/ and /).map((name) => name.replace(/^(?:western|eastern|northern|southern|central) /i, "").trim()).filter(Boolean);
  }

  function setReports(features) {
    // One badge per country, however its reports are placed ("Belarus", "Belarus (sites not
    // disclosed)") and wherever in it their point lies (two reports "in Russia", one at Moscow and
    // one east of it, share Russia's badge). A report about several countries ("Russia and
    // Belarus") joins the badge of the one its point is in (a badge at the same point), else the
    // first it names.
    const countryReports = features.filter((f) => isAreaReport(f.properties));
    // The English place (derived.area, in another language) decides the badge, whatever the
    // language a report's texts came in.
    const areaPlace = (f) => (f.properties.derived && f.properties.derived.area) || f.properties.place;
    const several = (f) => placeCountries(areaPlace(f)).length > 1;
    for (const feature of [...countryReports.filter((f) => !several(f)), ...countryReports.filter(several)]) {
      const named = placeCountries(areaPlace(feature));
      const here = groupAt.get(pointKey(feature));
      const key = here && named.includes(here.country) ? here.key : `country:${named[0] || pointKey(feature)}`;
      const group = addAreaReport(feature, key);
      group.country = group.country || named[0];
      if (!groupAt.has(pointKey(feature))) groupAt.set(pointKey(feature), group);
    }
    for (const feature of features) {
      if (isAreaReport(feature.properties)) continue;
      // A region report placed at a country's badge joins its list rather than sit under it.
      const group = feature.properties.precision === "region" && groupAt.get(pointKey(feature));
      if (group) addAreaReport(feature, group.key);
      else markers.set(feature.properties.id, markerFor(feature));
    }
    for (const group of areaGroups.values()) group.name = groupName(group.features);
    reportsLayer.addTo(map);
    folium.control.addOverlay(reportsLayer, _("Reports"));
  }

  /* Show only the reports whose ids are in `ids` (a Set); resolves once all are placed. */
  let shownKey = null;
  function showOnly(ids) {
    const key = [...ids].sort().join(" ");
    if (key === shownKey) return Promise.resolve();  // nothing changed: keep the markers (and a click on one)
    shownKey = key;
    const keep = [];
    for (const [id, marker] of markers) if (ids.has(id)) keep.push(marker);
    const hung = [];
    hangingMany = true;
    for (const group of areaGroups.values()) {
      group.shown = new Set(group.features.map((f) => f.properties.id).filter((id) => ids.has(id)));
      if (group.shown.size) { group.badge.setIcon(badgeIcon(group)); badges.addLayer(group.badge); hung.push(group.badge); }
      else badges.removeLayer(group.badge);
    }
    hangingMany = false;
    hangBadges(hung);
    stackBadges();
    clusters.clearLayers();
    const placed = new Promise((resolve) => { chunksDone = resolve; });
    clusters.addLayers(keep);
    if (!keep.length && chunksDone) { chunksDone(); chunksDone = null; }
    return placed;
  }

  /* Where a report is drawn: its marker, or the badge of its area. */
  function latLngOf(id) {
    if (markers.has(id)) return markers.get(id).getLatLng();
    return areaOf.has(id) ? areaOf.get(id).latlng : null;
  }

  function isShown(id) {
    if (markers.has(id)) return clusters.hasLayer(markers.get(id));
    return areaOf.has(id) && areaOf.get(id).shown.has(id);
  }

  /* Open an area report at its badge, no closer than its precision allows. */
  function openAreaAt(id, keepView) {
    const group = areaOf.get(id);
    const p = group.features.find((f) => f.properties.id === id).properties;
    const limit = maxZoomFor(p);
    const moving = map.getZoom() > limit || (!keepView && !map.getBounds().pad(-0.1).contains(group.latlng));
    return new Promise((resolve) => {
      const open = () => { openAreaReport(id); setTimeout(() => resolve(true), 350); };
      if (!moving) { open(); return; }
      map.once("moveend", open);
      map.setView(group.latlng, Math.min(map.getZoom(), limit), { animate: false });
    });
  }

  /* Spread the cluster that holds a marker (if any), then open the marker's popup. */
  function spreadAndOpen(marker) {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        // A marker still inside a cluster is not on the map: open its popup at its place.
        if (marker._map) marker.openPopup();
        else map.openPopup(marker.getPopup().setLatLng(marker.getLatLng()));
        setTimeout(() => resolve(true), 350);  // the popup may pan the map into view
      };
      const parent = clusters.getVisibleParent(marker);
      if (!parent || parent === marker || !parent.spiderfy || !parent._icon) { finish(); return; }
      clusters.once("spiderfied", finish);
      parent.spiderfy();
      setTimeout(finish, 1200);  // in case it was spread already
    });
  }

  /* Open a report's popup, zooming in only as far as its place is known (a city's reports are
   * spread out at city level rather than followed down to the street). With keepView, a marker
   * already visible opens without panning, so a shared link shows exactly the view it recorded. */
  function openReport(id, keepView) {
    // A report opened by the page itself (a story step, a shared link) waits for its full record,
    // so its popup shows every source at once; a click opens at once and fills in.
    const feature = markers.has(id) ? markers.get(id).feature
      : areaOf.has(id) ? areaOf.get(id).features.find((f) => f.properties.id === id) : null;
    if (!feature) return Promise.resolve(false);
    return fullRecord(feature).catch(() => feature).then(() => openLoaded(id, keepView));
  }

  function openLoaded(id, keepView) {
    if (areaOf.has(id)) return isShown(id) ? openAreaAt(id, keepView) : Promise.resolve(false);
    const marker = markers.get(id);
    if (!marker || !clusters.hasLayer(marker)) return Promise.resolve(false);
    if (keepView && clusters.getVisibleParent(marker) === marker) {
      const popup = marker.getPopup();
      popup.options.autoPan = false;
      marker.openPopup();
      popup.options.autoPan = true;
      return Promise.resolve(true);
    }
    const limit = Math.min(maxZoomFor(marker.feature.properties), map.getMaxZoom());
    const parent = marker.__parent;
    const apart = parent && Number.isFinite(parent._zoom) ? parent._zoom + 1 : map.getZoom();
    const zoom = Math.min(Math.max(map.getZoom(), apart), limit);
    const inView = map.getBounds().pad(-0.15).contains(marker.getLatLng());
    if (zoom === map.getZoom() && inView) return spreadAndOpen(marker);
    return new Promise((resolve) => {
      // Wait for the move and the clusters' own zoom animation (about 250 ms) to finish.
      let started = false;
      const go = () => { if (!started) { started = true; spreadAndOpen(marker).then(resolve); } };
      map.once("moveend", () => setTimeout(go, 400));
      setTimeout(go, 1600);  // in case the view did not need to move
      map.setView(marker.getLatLng(), zoom);
    });
  }

  /* The occupied and claimed areas of Ukraine as they stood on an ISO day: each area's phases
   * (dates and states) come from the server; the browser only compares dates. */
  function areaPhase(props, day) {
    let phase = null;
    for (const p of props.phases || []) if (p.from <= day) phase = p;
    return phase;
  }

  function occupiedLayers() {
    const found = [];
    for (const group of folium.later) {
      if (!group.eachLayer) continue;
      group.eachLayer(function visit(layer) {
        if (layer.feature && layer.feature.properties && layer.feature.properties.phases) found.push(layer);
        else if (layer.eachLayer) layer.eachLayer(visit);
      });
    }
    return found;
  }

  function restyleAreas(day) {
    const states = new Set();
    for (const layer of occupiedLayers()) {
      const phase = areaPhase(layer.feature.properties, day);
      layer.feature.properties.label = phase ? phase.label : "";
      if (phase) states.add(phase.state);
      const path = layer._path;
      if (!path) continue;
      path.classList.remove("area-occupied", "area-claimed", "area-partly");
      if (phase) path.classList.add(`area-${phase.state}`);
      path.classList.toggle("area-hidden", !phase);
    }
    for (const item of document.querySelectorAll("[data-area-state]")) item.hidden = !states.has(item.dataset.areaState);
  }

  function colourCountry(layer) {
    const bloc = core.blocOn(layer.feature.properties.bloc_changes, blocDay);
    layer.feature.properties.bloc = bloc;
    layer.feature.properties.bloc_label = config.blocs[bloc].label;
    const named = window.webmapLabels && window.webmapLabels.countryName(layer.feature.properties.iso3);
    if (named) layer.feature.properties.name = named;
    layer.setStyle(countryStyle(bloc));
  }

  /* A country's outline and fill for its bloc: the projector's deeper palette (html.projector,
   * webmap-projector.js) or the screen's, both from the server (webmap/render/palette.py). */
  function countryStyle(bloc) {
    if (!document.documentElement.classList.contains("projector")) return { ...config.countryStyle, fillColor: config.blocs[bloc].fill };
    return { ...config.countryStyle, ...config.projector.outline, fillColor: config.projector.blocs[bloc] };
  }

  /* Colour every country by its bloc on an ISO day, and show the occupied areas of that day. */
  let blocDay = new Date().toISOString().slice(0, 10);
  function recolour(day) {
    blocDay = day || new Date().toISOString().slice(0, 10);
    folium.countries.eachLayer(colourCountry);
    restyleAreas(blocDay);
    document.documentElement.dataset.blocDay = blocDay;
  }
  map.on("overlayadd layeradd", (e) => { if (e.layer && e.layer.feature && e.layer.feature.properties.phases) restyleAreas(blocDay); });

  /* A dashed outline round the country an area report is about, while its popup is open. */
  function ringContains(ring, x, y) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function containsPoint(geometry, lon, lat) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polygons.some((rings) => ringContains(rings[0], lon, lat) && !rings.slice(1).some((hole) => ringContains(hole, lon, lat)));
  }

  let outline = null;
  map.on("popupopen", (e) => {
    const id = e.popup.reportId;
    const group = id && areaOf.get(id);
    if (!group || group.precision !== "country") return;
    const { lng, lat } = group.latlng;
    folium.countries.eachLayer((layer) => {
      if (outline || !containsPoint(layer.feature.geometry, lng, lat)) return;
      outline = L.geoJSON(layer.feature, {
        style: { color: "#111827", weight: 3, dashArray: "8 6", fill: false }, interactive: false, className: "area-outline",
      }).addTo(map);
    });
  });
  map.on("popupclose", () => { if (outline) { outline.remove(); outline = null; } });

  /* The frame in which the overview keeps its detail (geodata/README.md): its countries are
   * drawn with the first view wherever the map looks, so the region is always whole. */
  const DETAIL_FRAME = L.latLngBounds([34, -25], [72, 70]);

  function boundsOf(feature) {
    if (!feature.bounds) {
      let w = 180, s = 90, e = -180, n = -90;
      const g = feature.geometry;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      for (const rings of polygons) {
        for (const [x, y] of rings[0]) {
          if (x < w) w = x;
          if (x > e) e = x;
          if (y < s) s = y;
          if (y > n) n = y;
        }
      }
      feature.bounds = L.latLngBounds([s, w], [n, e]);
    }
    return feature.bounds;
  }

  function addCountries(features, level) {
    // Each outline would inherit the layer's attribution and rebuild the attribution control
    // as it is added (250 times); the layer itself keeps it.
    const options = folium.countries.options;
    const { attribution, smoothFactor } = options;
    options.attribution = null;
    // The overview is simplified for the zooms it is drawn at (geodata/README.md): Leaflet
    // need not simplify it again at every zoom. The close-up file is.
    options.smoothFactor = level === "overview" ? 0 : smoothFactor;
    const before = new Set(folium.countries.getLayers());
    folium.countries.addData({ type: "FeatureCollection", features });
    options.attribution = attribution;
    options.smoothFactor = smoothFactor;
    for (const layer of folium.countries.getLayers()) {
      if (before.has(layer)) continue;
      colourCountry(layer);
      layer.bringToBack();  // under the occupied areas
    }
  }

  /* Draw country outlines (coarse or close-up), under the occupied areas and cities: first the
   * countries in and around the view and the region, then, when the page is next idle, the
   * rest of the world, which is out of sight (Leaflet projects every outline it holds, seen or
   * not). `outlinesComplete` resolves when every country is drawn. */
  // The rest of the world waits until the first view is on screen (webmap.js says when).
  let firstViewDone = null;
  const firstViewShown = new Promise((resolve) => { firstViewDone = resolve; });
  let drawing = 0;
  let outlinesComplete = Promise.resolve();
  function showCountries(data, level) {
    const token = ++drawing;
    folium.countries.clearLayers();
    const near = map.getBounds().pad(0.25);
    const first = [];
    const later = [];
    for (const f of data.features) {
      const b = boundsOf(f);
      (b.intersects(near) || b.intersects(DETAIL_FRAME) ? first : later).push(f);
    }
    addCountries(first, level);
    restyleAreas(blocDay);
    document.documentElement.dataset.boundaryDetail = level;
    document.documentElement.dataset.outlinesComplete = String(!later.length);
    const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 50));
    outlinesComplete = new Promise((resolve) => {
      if (!later.length) { resolve(); return; }
      firstViewShown.then(() => idle(() => {
        if (token === drawing) {
          addCountries(later, level);
          document.documentElement.dataset.outlinesComplete = "true";
          if (window.webmapLabels) window.webmapLabels.noteCountryBounds();
        }
        resolve();
      }, { timeout: 500 }));
    });
  }

  /* Coarse boundaries first; the close-up file is fetched only when a reader zooms in. The
   * script asks for the outlines as it starts (prefetch), but they are read and drawn after the
   * markers, so the reports show first (reading 340 KB of outlines before them would delay them). */
  const overviewDownload = prefetch(config.layerUrls.overview);
  let markersPlaced = null;
  const afterMarkers = new Promise((resolve) => { markersPlaced = resolve; });
  const boundaryCache = {};
  let boundaryShown = "";
  function updateDetail() {
    const wanted = map.getZoom() >= config.closeupZoom ? "closeup" : "overview";
    if (wanted === boundaryShown) return boundaryCache[wanted];
    boundaryShown = wanted;
    boundaryCache.overview = boundaryCache.overview || afterMarkers.then(() => overviewDownload.read());
    // The close-up file has only the countries near the region; the rest keep their overview outline.
    boundaryCache.closeup = boundaryCache.closeup || (wanted !== "closeup" ? null : Promise.all([
      boundaryCache.overview, afterMarkers.then(() => loadJson(config.layerUrls.closeup)),
    ]).then(([overview, closeup]) => {
      const near = new Set(closeup.features.map((f) => f.id));
      return { type: "FeatureCollection", features: [...closeup.features, ...overview.features.filter((f) => !near.has(f.id))] };
    }));
    return boundaryCache[wanted].then((data) => {
      if (boundaryShown === wanted) showCountries(data, wanted);
    });
  }
  map.on("zoomend", updateDetail);
  const countriesDrawn = updateDetail();

  /* The outlines, occupied areas and city labels, drawn once the reports are on the map. */
  function showOverlays() {
    markersPlaced();
    for (const layer of folium.later) if (!map.hasLayer(layer)) layer.addTo(map);
  }

  window.webmapMap = {
    map, config, clusters, badges, markers, areaOf, control: folium.control, loadJson, prefetch, setReports, showOnly, openReport,
    recolour, countriesDrawn, outlinesComplete: () => outlinesComplete, firstViewDone: () => firstViewDone(), showOverlays, latLngOf, isShown, maxZoomFor, el, kindStyle, badgeNames, containsPoint,
    fullRecord, countryStyle, areaPhase, popupContent, badge, popupExtras, shortPlace,
  };
})();
