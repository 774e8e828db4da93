/* webmap core: pure functions shared by the map and its controls (no DOM, no Leaflet).
 * Each report carries fields the server derived (properties.derived: span, search, caveat) and
 * each country its bloc changes, so the map only compares. What a reader types (dates, search
 * words) is read here by the rules of webmap/catalog/filters.py; tests/test_fold_parity.py and
 * tests/test_edtf.py run both on the same cases under node. */
(function () {
  "use strict";

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const LIST_FILTERS = ["kind", "status", "actor", "affiliation"];
  const PARTIAL_DATE = /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/;
  const EDTF_PART = /^([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)([~?%]?)$/;

  function pad(n) { return String(n).padStart(2, "0"); }

  function lastDayOfMonth(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }

  /* First and last ISO day a partial date covers, or null if it is not a real date. */
  function partialSpan(text) {
    const m = PARTIAL_DATE.exec(text);
    if (!m) return null;
    const year = Number(m[1]);
    if (!m[2]) return [`${m[1]}-01-01`, `${m[1]}-12-31`];
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    if (!m[3]) return [`${m[1]}-${m[2]}-01`, `${m[1]}-${m[2]}-${pad(lastDayOfMonth(year, month))}`];
    if (Number(m[3]) < 1 || Number(m[3]) > lastDayOfMonth(year, month)) return null;
    return [`${m[1]}-${m[2]}-${m[3]}`, `${m[1]}-${m[2]}-${m[3]}`];
  }

  /* The parts of an EDTF level-1 date or START/END interval, as parse_edtf in dates.py. */
  function edtfParts(text) {
    const pieces = String(text == null ? "" : text).split("/");
    if (pieces.length > 2) return null;
    const parts = [];
    for (const piece of pieces) {
      const m = EDTF_PART.exec(piece);
      if (!m || !partialSpan(m[1])) return null;
      parts.push({ date: m[1], about: "~%".includes(m[2]) && !!m[2], unsure: "?%".includes(m[2]) && !!m[2] });
    }
    if (parts.length === 2 && partialSpan(parts[0].date)[0] > partialSpan(parts[1].date)[1]) return null;
    return parts;
  }

  /* First and last ISO day an EDTF date or interval covers, or null if it is not one. */
  /* Every report's date is read for every filter and count: each text is parsed once. */
  const spans = new Map();
  function dateSpan(text) {
    if (!spans.has(text)) {
      const parts = edtfParts(text);
      spans.set(text, parts ? Object.freeze([partialSpan(parts[0].date)[0], partialSpan(parts[parts.length - 1].date)[1]]) : null);
    }
    return spans.get(text);
  }

  /* The page's language (webmap-i18n.js); English where there is none (node, tests). */
  function pageLang() { return (window.webmapI18n && window.webmapI18n.lang) || "en"; }
  function words(message, values) {
    return window.webmapI18n ? window.webmapI18n._(message, values) : message.replace("%(date)s", values.date);
  }
  const formats = new Map();
  /* A day or a month written the language's way by the browser's CLDR data (Intl), as the
   * server writes it with Babel: "6 grudnia 2024", "грудень 2024 р.". */
  function intlFormat(withDay) {
    const key = `${pageLang()}:${withDay}`;
    if (!formats.has(key)) {
      const options = { month: "long", year: "numeric", timeZone: "UTC", ...(withDay ? { day: "numeric" } : {}) };
      formats.set(key, new Intl.DateTimeFormat(pageLang(), options));
    }
    return formats.get(key);
  }
  function utcDay(parts) { return new Date(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2] || 1))); }

  function writtenPartial(text) {
    const parts = text.split("-");
    if (pageLang() !== "en" && parts.length > 1) return intlFormat(parts.length === 3).format(utcDay(parts));
    if (parts.length === 3) return `${Number(parts[2])} ${MONTHS[Number(parts[1]) - 1]} ${parts[0]}`;
    if (parts.length === 2) return `${MONTHS[Number(parts[1]) - 1]} ${parts[0]}`;
    return parts[0];
  }

  function writtenPart(part, bare) {
    let text = bare || writtenPartial(part.date);
    if (part.about) text = words("about %(date)s", { date: text });
    if (part.unsure) text = words("%(date)s (uncertain)", { date: text });
    return text;
  }

  /* An EDTF date in words, as written_edtf in dates.py: "about December 2025", "July–December 2025". */
  function formatDate(text) {
    const parts = edtfParts(text);
    if (!parts) return String(text == null ? "" : text);
    if (parts.length === 1) return writtenPart(parts[0]);
    const [a, b] = parts;
    const pa = a.date.split("-");
    const pb = b.date.split("-");
    const plain = !a.about && !a.unsure;
    if (plain && pa.length === 1 && pb.length === 1) return `${a.date}–${writtenPart(b)}`;
    if (pageLang() !== "en") {
      const range = plain && !b.about && !b.unsure && pa[0] === pb[0] && pa.length === pb.length && pa.length > 1;
      if (range && intlFormat(pa.length === 3).formatRange) return intlFormat(pa.length === 3).formatRange(utcDay(pa), utcDay(pb));
      return `${writtenPart(a)} – ${writtenPart(b)}`;
    }
    if (plain && pa[0] === pb[0] && pa.length === 2 && pb.length === 2) return `${MONTHS[Number(pa[1]) - 1]}–${writtenPart(b)}`;
    if (plain && pa.length === 3 && pb.length === 3 && pa[0] === pb[0] && pa[1] === pb[1]) return `${Number(pa[2])}–${writtenPart(b)}`;
    return `${writtenPart(a)} – ${writtenPart(b)}`;
  }

  function formatPeriod(text) {
    if (pageLang() !== "en") return formatDate(text);
    return String(text).split("/").map(formatDate).join(" to ");
  }

  /* A whole number written the page language's way: 1,234 · 1 234 · 1.234. */
  function formatNumber(n) { return Math.round(n).toLocaleString(pageLang() === "en" ? "en-GB" : pageLang()); }

  /* Characters no text may hold (validation.UNSAFE_RANGES): a search reads them as spaces. */
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]|[\u{1fffe}\u{1ffff}\u{2fffe}\u{2ffff}\u{3fffe}\u{3ffff}\u{4fffe}\u{4ffff}\u{5fffe}\u{5ffff}\u{6fffe}\u{6ffff}\u{7fffe}\u{7ffff}\u{8fffe}\u{8ffff}\u{9fffe}\u{9ffff}\u{afffe}\u{affff}\u{bfffe}\u{bffff}\u{cfffe}\u{cffff}\u{dfffe}\u{dffff}\u{efffe}\u{effff}\u{ffffe}\u{fffff}\u{10fffe}\u{10ffff}]/gu;
  /* What Python's str.split() splits on (str.isspace), which JavaScript's \s is not quite. */
  const SPACES = /[\t\n\v\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

  /* Text as a search compares it, as filters.fold: NFKC, case-folded and diacritics folded with
   * the server's table of characters whose fold is not their lowercase (ß -> ss, ς -> σ,
   * ł -> l, é -> e, ё -> е; й stays), NFKC again. */
  function fold(text, table) {
    const folds = table || {};
    let out = "";
    for (const ch of String(text == null ? "" : text).normalize("NFKC")) {
      out += Object.prototype.hasOwnProperty.call(folds, ch) ? folds[ch] : ch.toLowerCase();
    }
    return out.normalize("NFKC");
  }

  function codePoints(word) { return Array.from(word, (ch) => ch.codePointAt(0)); }

  function byLengthThenText(a, b) {
    const pa = codePoints(a);
    const pb = codePoints(b);
    if (pa.length !== pb.length) return pb.length - pa.length;
    for (let i = 0; i < pa.length; i += 1) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return 0;
  }

  /* The words a search must find, as filters.search_words: folded, longest first, without
   * repeats or words inside a longer one. */
  function searchWords(q, table) {
    const folded = fold(String(q == null ? "" : q).replace(UNSAFE, " "), table);
    const words = [...new Set(folded.split(SPACES).filter(Boolean))].sort(byLengthThenText);
    return words.filter((w, i) => !words.slice(0, i).some((longer) => longer.includes(w)));
  }

  /* Criteria from URL parameters, named as in /api/reports: repeatable values, commas too. */
  function parseCriteria(params, foldTable) {
    const values = (name) => params.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
    const last = (name) => { const all = params.getAll(name); return all.length ? all[all.length - 1].trim() : ""; };
    const criteria = { from: "", to: "", q: "", bbox: null };
    const fromSpan = dateSpan(last("from"));
    const toSpan = dateSpan(last("to"));
    criteria.from = fromSpan ? fromSpan[0] : "";
    criteria.to = toSpan ? toSpan[1] : "";
    for (const name of LIST_FILTERS) criteria[name] = values(name);
    criteria.actor = criteria.actor.map((a) => a.toUpperCase());
    criteria.q = searchWords(last("q"), foldTable).join(" ");
    const bbox = last("bbox").split(",").map(Number);
    if (bbox.length === 4 && bbox.every(Number.isFinite)) criteria.bbox = bbox;
    return criteria;
  }

  /* Whether a report Feature meets the criteria; `skip` leaves one list filter out (for counts). */
  function matches(feature, c, skip) {
    const p = feature.properties;
    const span = p.derived.span;
    if (c.from && span[1] < c.from) return false;
    if (c.to && span[0] > c.to) return false;
    if (skip !== "kind" && c.kind.length && !c.kind.includes(p.kind)) return false;
    if (skip !== "status" && c.status.length && !c.status.includes(p.status)) return false;
    if (skip !== "actor" && c.actor.length && !(p.actors || []).some((a) => c.actor.includes(a))) return false;
    if (skip !== "affiliation" && c.affiliation.length
      && !(p.sources || []).some((s) => c.affiliation.includes(s.affiliation))) return false;
    if (c.q) {  // the ids the server found (qIds), or the report's own folded text (static site)
      if (c.qIds) {
        if (!c.qIds.has(p.id)) return false;
      } else {
        const text = p.derived.search || "";
        if (!c.q.split(" ").every((word) => text.includes(word))) return false;
      }
    }
    if (c.bbox) {
      const [west, south, east, north] = c.bbox;
      const [lon, lat] = feature.geometry.coordinates;
      const inLon = west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
      if (!(inLon && lat >= south && lat <= north)) return false;
    }
    return true;
  }

  /* Values of one list filter among the reports that meet the other filters, with counts. */
  function facetCounts(features, c, name) {
    const counts = {};
    for (const f of features) {
      if (!matches(f, c, name)) continue;
      const p = f.properties;
      let values = [];
      if (name === "kind" || name === "status") values = [p[name]];
      else if (name === "actor") values = p.actors || [];
      else values = [...new Set((p.sources || []).map((s) => s.affiliation))];
      for (const v of values) counts[v] = (counts[v] || 0) + 1;
    }
    return counts;
  }

  /* The bloc of a country on an ISO day, from the [day, bloc] changes the server derived. */
  function blocOn(changes, day) {
    let bloc = "none";
    for (const [from, value] of changes || []) if (from <= day) bloc = value;
    return bloc;
  }

  /* "2024-03" plus n months. */
  function addMonths(month, n) {
    const [y, m] = month.split("-").map(Number);
    const index = y * 12 + (m - 1) + n;
    return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
  }

  window.webmapCore = {
    LIST_FILTERS, partialSpan, dateSpan, formatDate, formatPeriod, formatNumber, fold, searchWords, parseCriteria, matches,
    facetCounts, blocOn, addMonths,
  };
})();
