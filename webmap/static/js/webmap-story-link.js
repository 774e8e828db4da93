/* webmap story links: a whole story carried by a link, #story=<base64url of its JSON>.
 * The JSON has the shape of geodata/stories/*.json; "z." before the text marks it deflated
 * (deflate-raw). A link is untrusted: it is checked by the rules the server publishes
 * (storyRules, from webmap/record/stories.py) and never becomes markup.
 * Exposes window.webmapStoryLink. */
(function () {
  "use strict";

  const { _ } = window.webmapI18n;
  const rules = window.webmapMap.config.storyRules;
  const PREFIX = rules.linkPrefix;
  const DEFLATED = "z.";
  const unsafe = new RegExp(`[${rules.unsafeCharacters}]`, "u");
  const idPattern = new RegExp(rules.idPattern);

  /* Why a link cannot be played, in the reader's language. */
  class LinkProblem extends Error {}

  /* ---- base64url, no padding ---- */

  function toBase64url(bytes) {
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw garbled();
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - (text.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  /* ---- deflate-raw, through the browser's own streams ---- */

  function canDeflate() { return typeof CompressionStream === "function" && typeof DecompressionStream === "function"; }

  async function deflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /* Inflate, stopping as soon as the result grows past what a link may hold. */
  async function inflate(bytes, most) {
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
    const chunks = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > most) { reader.cancel().catch(() => {}); throw tooLong(); }
        chunks.push(value);
      }
    } catch (error) {
      throw error instanceof LinkProblem ? error : garbled();
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) { out.set(chunk, at); at += chunk.length; }
    return out;
  }

  function garbled() { return new LinkProblem(_("This story link is damaged or incomplete: the map cannot read it. Ask for the link again.")); }
  function tooLong() { return new LinkProblem(_("This story link is too long to open (at most %(n)s characters).", { n: window.webmapCore.formatNumber(rules.maxLinkChars) })); }

  /* ---- the rules of a story (the server's, from storyRules) ---- */

  function length(text) { return [...text].length; }  // code points, as Python counts

  function textProblem(value, limit) {
    if (typeof value !== "string" || !value.trim()) return _("nothing is written");
    if (unsafe.test(value)) return _("contains a character that no text may hold");
    if (length(value) > limit) return _("longer than %(n)s characters", { n: limit });
    return "";
  }

  /* Return the problems of a story's data, as [where, why] in the reader's language. An
   * unknown report is no problem here: the player shows that step as missing. */
  function problems(data) {
    const found = [];
    const say = (where, why) => found.push([where, why]);
    if (!data || typeof data !== "object" || Array.isArray(data)) return [[_("the content"), _("not a story")]];
    if (typeof data.id !== "string" || !idPattern.test(data.id)) say(_("the story's name (id)"), _("only lowercase letters, digits and hyphens are allowed"));
    let why = textProblem(data.title, rules.maxText);
    if (why) say(_("the title"), why);
    why = textProblem(data.summary, rules.maxText);
    if (why) say(_("the summary"), why);
    const steps = data.steps;
    if (!Array.isArray(steps) || !steps.length) { say(_("the steps"), _("at least one is needed")); return found; }
    if (steps.length > rules.maxSteps) { say(_("the steps"), _("at most %(n)s are allowed", { n: rules.maxSteps })); return found; }
    steps.forEach((step, i) => {
      const n = i + 1;
      if (!step || typeof step !== "object" || Array.isArray(step)) { say(_("step %(n)s", { n }), _("not a step with a report and a text")); return; }
      if (typeof step.report !== "string") say(_("the report of step %(n)s", { n }), _("not a report's name"));
      why = textProblem(step.text, rules.maxText);
      if (why) say(_("the text of step %(n)s", { n }), why);
      if ("question" in step) {
        why = textProblem(step.question, rules.maxText);
        if (why) say(_("the question of step %(n)s", { n }), why);
      }
      const zoom = step.zoom;
      if (zoom !== undefined && zoom !== null && !(Number.isInteger(zoom) && zoom >= rules.minZoom && zoom <= rules.maxZoom)) {
        say(_("the zoom of step %(n)s", { n }), _("not a whole number from %(min)s to %(max)s", { min: rules.minZoom, max: rules.maxZoom }));
      }
    });
    return found;
  }

  /* The story as the player and a story file hold it: only the known fields, texts trimmed. */
  function tidy(data) {
    return {
      id: data.id,
      title: data.title.trim(),
      summary: data.summary.trim(),
      steps: data.steps.map((s) => {
        const step = { report: s.report, text: s.text.trim() };
        if (Number.isInteger(s.zoom)) step.zoom = s.zoom;
        if (typeof s.question === "string" && s.question.trim()) step.question = s.question.trim();
        return step;
      }),
    };
  }

  /* ---- links ---- */

  /* Return the text after #story= for a story (deflated when that is shorter and possible). */
  async function encode(story) {
    const bytes = new TextEncoder().encode(JSON.stringify(story));
    const plain = toBase64url(bytes);
    if (!canDeflate()) return plain;
    const short = DEFLATED + toBase64url(await deflate(bytes));
    return short.length < plain.length ? short : plain;
  }

  /* Return the plain form (always readable, with no streams needed). */
  function encodePlain(story) { return toBase64url(new TextEncoder().encode(JSON.stringify(story))); }

  /* Read the story of a link's text (after #story=); a promise of the tidy story, or a
   * rejection with a LinkProblem whose message the reader can be shown. */
  async function decode(text) {
    if (text.length > rules.maxLinkChars) throw tooLong();
    const deflated = text.startsWith(DEFLATED);
    let bytes = fromBase64url(deflated ? text.slice(DEFLATED.length) : text);
    if (deflated) {
      if (!canDeflate()) throw new LinkProblem(_("This browser cannot open a shortened story link. Ask for the plain link."));
      bytes = await inflate(bytes, rules.maxLinkChars);
    }
    let data;
    try {
      data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (error) {
      throw garbled();
    }
    const found = problems(data);
    if (found.length) {
      const [where, why] = found[0];
      throw new LinkProblem(_("This story link does not hold a story the map can play: %(where)s — %(why)s.", { where, why }));
    }
    return tidy(data);
  }

  /* The text after #story= in a location hash, or null when it has none. */
  function inHash(hash) { return hash.startsWith(PREFIX) ? hash.slice(PREFIX.length) : null; }

  window.webmapStoryLink = { PREFIX, encode, encodePlain, decode, problems, tidy, inHash, LinkProblem };
})();
