/* webmap glossary links: the first use of a term in a report's text links to its entry.
 * The server finds the uses (derived.terms: term, field, start, end in UTF-16 code units, as
 * JavaScript counts); this only links them, with text nodes, never HTML from data. */
(function () {
  "use strict";

  const TERM_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

  /* Fill node with text, the given field's term uses wrapped in links to url#term; return it. */
  function linkedText(node, text, uses, field, url) {
    const value = text === undefined || text === null ? "" : String(text);
    const spans = (Array.isArray(uses) ? uses : [])
      .filter((u) => u && u.field === field && TERM_ID.test(String(u.term))
        && Number.isInteger(u.start) && Number.isInteger(u.end)
        && u.start >= 0 && u.end > u.start && u.end <= value.length)
      .sort((a, b) => a.start - b.start);
    let at = 0;
    for (const use of spans) {
      if (use.start < at) continue;  // overlapping spans: the server sends none, keep the first
      node.append(value.slice(at, use.start));
      const link = document.createElement("a");
      link.className = "glossary-term";
      link.href = `${url}#${use.term}`;
      link.textContent = value.slice(use.start, use.end);
      node.append(link);
      at = use.end;
    }
    node.append(value.slice(at));
    return node;
  }

  window.webmapGlossary = { linkedText: linkedText };
})();
