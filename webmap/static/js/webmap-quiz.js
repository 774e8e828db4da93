/* webmap "Where is it?": the map asks for a place of the reports; click it on the map, or
 * choose it from a list (keyboard). Names and markers hide while it asks; the score lives only
 * in this page. Builds all text with textContent. Exposes window.webmapQuiz. */
(function () {
  "use strict";

  const { _ } = window.webmapI18n;
  const wm = window.webmapMap;
  const map = wm.map;
  const el = wm.el;
  const root = document.documentElement;
  const openButton = document.getElementById("quiz-open");
  const NEAR_KM = 150;  // a click this close to the place counts as right
  const APART_KM = 300;  // the other choices are at least this far from the place
  const CHOICES = 4;

  let box = null;
  const parts = {};
  let question = null;  // {name, latlng}
  let answered = false;
  let asked = 0;
  let right = 0;
  let mark = null;

  /* The places of the reports, by the map's own names (in the page's language): the cities
   * near a report known to its city or site, and the countries the reports name. */
  const NEAR_REPORT_KM = 40;
  function places() {
    const distance = window.webmapTools.distanceKm;
    const shown = window.webmap.features().filter((f) => wm.isShown(f.properties.id));
    const points = shown.filter((f) => ["site", "city"].includes(f.properties.precision))
      .map((f) => L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]));
    const named = new Set(shown.flatMap((f) => f.properties.actors || []));
    const seen = new Set();
    return window.webmapLabels.places().filter((p) => {
      if (!p.name || seen.has(p.name)) return false;
      const wanted = p.kind === "city" ? points.some((at) => distance(at, p.latlng) <= NEAR_REPORT_KM)
        : p.kind === "country" && named.has(p.iso3);
      if (wanted) seen.add(p.name);
      return wanted;
    });
  }

  /* Whether a click at latlng finds the place: inside the country, or near the city. */
  function found(place, latlng) {
    if (place.kind === "city") return window.webmapTools.distanceKm(latlng, place.latlng) <= NEAR_KM;
    return window.webmapFolium.countries.getLayers().some((layer) => (
      layer.feature.properties.iso3 === place.iso3 && wm.containsPoint(layer.feature.geometry, latlng.lng, latlng.lat)));
  }

  function shuffle(list) {
    for (let i = list.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }

  function button(text, className, onClick) {
    const node = el("button", className, text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function showScore() {
    parts.score.textContent = _("Score: %(right)s of %(asked)s", { right, asked });
    box.dataset.score = `${right}/${asked}`;
  }

  function clearMark() { if (mark) { mark.remove(); mark = null; } }

  function ask() {
    clearMark();
    const all = places();
    if (!all.length) { parts.question.textContent = _("No places to ask about: clear a filter."); return; }
    const last = question && question.name;
    question = shuffle(all.length > 1 ? all.filter((p) => p.name !== last) : [...all])[0];
    const others = shuffle(all.filter((p) => p.kind === question.kind && p !== question
      && (p.kind !== "city" || window.webmapTools.distanceKm(p.latlng, question.latlng) >= APART_KM)));
    const choices = shuffle([question, ...others.slice(0, CHOICES - 1)]);
    answered = false;
    parts.question.textContent = question.kind === "city"
      ? _("Where is %(place)s? Click the city on the map, or choose it below.", { place: question.name })
      : _("Where is %(place)s? Click the country on the map, or choose it below.", { place: question.name });
    parts.result.textContent = "";
    parts.choices.replaceChildren(...choices.map((c) => {
      const item = el("li");
      const choice = button(c.name, "quiz-choice", () => answer(c === question, null, c));
      if (c === question) choice.dataset.right = "";  // marked once answered (webmap.css)
      item.append(choice);
      return item;
    }));
    parts.next.hidden = true;
    box.dataset.asking = question.name;
  }

  function answer(isRight, clicked, chosen) {
    if (answered || !question) return;
    answered = true;
    asked += 1;
    if (isRight) right += 1;
    const km = clicked && question.kind === "city" ? window.webmapTools.distanceKm(clicked, question.latlng) : null;
    const place = question.name;
    if (isRight) {
      parts.result.textContent = km === null ? _("Right: that is %(place)s.", { place })
        : _("Right: %(place)s is %(km)s km from your click.", { place, km: window.webmapCore.formatNumber(km) });
    } else if (km !== null) {
      parts.result.textContent = _("Not quite: %(place)s is %(km)s km from your click (marked on the map).", { place, km: window.webmapCore.formatNumber(km) });
    } else if (chosen) {
      parts.result.textContent = _("Not quite: your answer was %(chosen)s; %(place)s is marked on the map.", { chosen: chosen.name, place });
    } else {
      parts.result.textContent = _("Not quite: %(place)s is marked on the map.", { place });
    }
    box.dataset.result = isRight ? "right" : "wrong";
    for (const choice of parts.choices.querySelectorAll("button")) choice.disabled = true;
    mark = L.circleMarker(question.latlng, { radius: 14, weight: 4, color: "#111827", fillColor: "#fde68a", fillOpacity: 0.9, interactive: false, className: "quiz-mark" }).addTo(map);
    map.panTo(question.latlng);
    showScore();
    parts.next.hidden = false;
    parts.next.focus();
  }

  function onMapClick(e) { if (question && !answered) answer(found(question, e.latlng), e.latlng, null); }

  function build() {
    box = el("section", "quiz-box");
    box.id = "quiz";
    box.setAttribute("aria-labelledby", "quiz-heading");
    const heading = el("h2", null, _("Where is it?"));
    heading.id = "quiz-heading";
    parts.question = el("p", "quiz-question");
    parts.choices = el("ul", "quiz-choices");
    parts.choices.setAttribute("aria-label", _("Choose the place"));
    parts.result = el("p", "quiz-result");
    parts.result.setAttribute("role", "status");
    parts.score = el("p", "quiz-score");
    parts.next = button(_("Next question"), "quiz-next", ask);
    const tools = el("div", "quiz-tools");
    tools.append(parts.next, button(_("End the quiz"), "quiz-end", () => setOpen(false)));
    box.append(heading, parts.question, parts.choices, parts.result, parts.score, tools);
    L.DomEvent.disableClickPropagation(box);
    document.querySelector(".map-area").append(box);
  }

  function setOpen(open) {
    if (open && !box) build();
    box.hidden = !open;
    root.classList.toggle("quiz-on", open);  // names and markers hide (webmap.css)
    openButton.setAttribute("aria-expanded", String(open));
    if (open) {
      window.webmapStories.close();
      map.closePopup();
      asked = 0;
      right = 0;
      showScore();
      map.on("click", onMapClick);
      if (window.webmapLayout && window.webmapLayout.sheetMode()) window.webmapLayout.setDrawer(false);
      ask();
      box.querySelector(".quiz-choice")?.focus();
    } else {
      map.off("click", onMapClick);
      clearMark();
      question = null;
      openButton.focus();
    }
  }

  if (openButton) {
    openButton.closest(".quiz-start").hidden = false;
    openButton.addEventListener("click", () => setOpen(!box || box.hidden));
  }

  window.webmapQuiz = { open: () => setOpen(true), current: () => question };
})();
