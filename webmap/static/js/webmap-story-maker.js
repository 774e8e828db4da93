/* webmap "Make a story": a teacher picks reports (a button in the popup, or the list), writes a
 * text and a question for each step, reorders them and gets a link that carries the whole story
 * (webmap-story-link.js); nothing is stored anywhere. Opening such a link plays its story.
 * Builds all text with textContent. Exposes window.webmapStoryMaker. */
(function () {
  "use strict";

  const { _, ngettext } = window.webmapI18n;
  const wm = window.webmapMap;
  const el = wm.el;
  const links = window.webmapStoryLink;
  const rules = wm.config.storyRules;
  const LINK_ID = "#";  // the player's name for the story of a link (no story file can have it)
  const openButton = document.getElementById("story-maker-open");
  const FIND_SHOWN = 12;

  /* ---- opening a link: #story=… plays its story ---- */

  let linked = null;  // the story the link carries, once read

  function notice(message) {
    let node = document.getElementById("story-link-problem");
    if (!node) {
      node = el("p", "link-problem story-link-problem");
      node.id = "story-link-problem";
      node.setAttribute("role", "alert");
      document.querySelector(".map-area").append(node);
    }
    node.textContent = message;
  }

  function playLinked(story, hash, step) {
    linked = story;
    window.webmapStories.add({ ...story, id: LINK_ID });
    Object.assign(window.webmap.linkStory, { id: LINK_ID, hash });
    const state = window.webmapStories.state();
    if (state && state.story === LINK_ID) return Promise.resolve();
    return window.webmapStories.start(LINK_ID, step || 1);
  }

  // The link as the reader arrived: the map may have written its own state there since.
  const { arrivedHash, arrivedSearch } = window.webmapOnDemand;
  const arrived = links.inHash(arrivedHash);
  if (arrived !== null) {
    const hash = arrivedHash;
    const step = Number(new URLSearchParams(arrivedSearch).get("step")) || 1;
    links.decode(arrived)
      .then((story) => window.webmap.ready.then(() => playLinked(story, hash, step)))
      .catch((error) => notice(error instanceof links.LinkProblem ? error.message
        : _("This story link is damaged or incomplete: the map cannot read it. Ask for the link again.")));
  }

  /* ---- the draft: only in this page, gone when it closes ---- */

  const draft = { title: "", summary: "", steps: [] };  // steps: {report, text, question, zoom}
  let section = null;
  const parts = {};

  function feature(id) { return window.webmap.features().find((f) => f.properties.id === id) || null; }

  function reportLabel(id) {
    const f = feature(id);
    if (!f) return _("A report this map does not have (%(id)s)", { id });
    const p = f.properties;
    return `${p.title} (${(p.derived && p.derived.written_date) || window.webmapCore.formatDate(p.date)}, ${p.place})`;
  }

  function say(message) { if (parts.status) parts.status.textContent = message; }

  function addStep(id) {
    if (draft.steps.length >= rules.maxSteps) {
      say(_("A story has at most %(n)s steps.", { n: rules.maxSteps }));
      return false;
    }
    draft.steps.push({ report: id, text: "", question: "" });
    renderSteps();
    renderFound();
    say(_("Added as step %(n)s: %(title)s", { n: draft.steps.length, title: reportLabel(id) }));
    return true;
  }

  function moveStep(from, to, focusClass) {
    if (to < 0 || to >= draft.steps.length) return;
    const [step] = draft.steps.splice(from, 1);
    draft.steps.splice(to, 0, step);
    renderSteps();
    const button = parts.steps.children[to].querySelector(`.${focusClass}`);
    (button && !button.disabled ? button : parts.steps.children[to].querySelector("textarea")).focus();
    say(_("Moved to step %(n)s.", { n: to + 1 }));
  }

  function removeStep(i) {
    draft.steps.splice(i, 1);
    renderSteps();
    renderFound();
    const next = parts.steps.children[Math.min(i, draft.steps.length - 1)];
    (next ? next.querySelector("textarea") : parts.find).focus();
    say(_("Step removed."));
  }

  /* ---- the form ---- */

  function field(labelText, control, hint) {
    const label = el("label", "maker-field");
    label.append(el("span", "maker-label", labelText), control);
    if (hint) label.append(el("span", "maker-hint", hint));
    return label;
  }

  function button(text, className, onClick) {
    const node = el("button", className, text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function stepItem(step, i) {
    const item = el("li", "maker-step");
    const n = i + 1;
    item.append(el("p", `maker-step-report${feature(step.report) ? "" : " maker-step-missing"}`, reportLabel(step.report)));
    const text = el("textarea", "maker-step-text");
    text.rows = 3;
    text.maxLength = rules.maxText;
    text.value = step.text;
    text.addEventListener("input", () => { step.text = text.value; });
    item.append(field(_("What to say at step %(n)s", { n }), text));
    const question = el("input", "maker-step-question");
    question.type = "text";
    question.maxLength = rules.maxText;
    question.value = step.question || "";
    question.addEventListener("input", () => { step.question = question.value; });
    item.append(field(_("A question for pupils (optional)"), question));
    const tools = el("div", "maker-step-tools");
    const up = button("▲ " + _("Up"), "maker-up", () => moveStep(i, i - 1, "maker-up"));
    up.setAttribute("aria-label", _("Move step %(n)s up", { n }));
    up.disabled = i === 0;
    const down = button("▼ " + _("Down"), "maker-down", () => moveStep(i, i + 1, "maker-down"));
    down.setAttribute("aria-label", _("Move step %(n)s down", { n }));
    down.disabled = i === draft.steps.length - 1;
    const remove = button("✕ " + _("Remove"), "maker-remove", () => removeStep(i));
    remove.setAttribute("aria-label", _("Remove step %(n)s", { n }));
    const show = button(_("Show on the map"), "maker-show", () => wm.openReport(step.report));
    show.disabled = !feature(step.report);
    tools.append(up, down, remove, show);
    item.append(tools);
    return item;
  }

  function renderSteps() {
    parts.steps.replaceChildren(...draft.steps.map(stepItem));
    parts.noSteps.hidden = draft.steps.length > 0;
    parts.count.textContent = ngettext("%(n)s step", "%(n)s steps", draft.steps.length);
    section.dataset.steps = String(draft.steps.length);
  }

  /* The reports the map shows now (the filters narrow them), found by words of their title or place. */
  function renderFound() {
    const words = window.webmapCore.fold(parts.find.value, wm.config.fold).split(/\s+/).filter(Boolean);
    const chosen = new Set(draft.steps.map((s) => s.report));
    const found = window.webmap.features().filter((f) => {
      const p = f.properties;
      if (!wm.isShown(p.id)) return false;
      const text = window.webmapCore.fold(`${p.title} ${p.place} ${p.date}`, wm.config.fold);
      return words.every((w) => text.includes(w));
    });
    parts.found.replaceChildren(...found.slice(0, FIND_SHOWN).map((f) => {
      const item = el("li");
      const title = el("span", "maker-found-title", reportLabel(f.properties.id));
      title.id = `maker-found-${f.properties.id}`;
      const add = button(chosen.has(f.properties.id) ? _("In the story") : _("Add"), "maker-add", () => { addStep(f.properties.id); add.focus(); });
      add.disabled = chosen.has(f.properties.id);
      add.setAttribute("aria-describedby", title.id);  // which report it adds
      item.append(add, " ", title);
      return item;
    }));
    parts.foundCount.textContent = found.length > FIND_SHOWN
      ? _("%(shown)s of %(n)s reports listed: type words of a title or place to find others.", { shown: FIND_SHOWN, n: found.length })
      : ngettext("%(n)s report found", "%(n)s reports found", found.length);
  }

  function build() {
    section = el("section", "story-maker");
    section.id = "story-maker";
    section.setAttribute("aria-labelledby", "story-maker-heading");
    const heading = el("h2", null, _("Make a story"));
    heading.id = "story-maker-heading";
    section.append(heading, el("p", "maker-intro", _("Pick reports with “Add to my story” in a report's popup, or from the list below; write what to say and a question for each step. Nothing is stored: the whole story travels in its link.")));
    parts.title = el("input", "maker-title");
    parts.title.type = "text";
    parts.title.maxLength = rules.maxText;
    parts.title.addEventListener("input", () => { draft.title = parts.title.value; });
    parts.summary = el("textarea", "maker-summary");
    parts.summary.rows = 2;
    parts.summary.maxLength = rules.maxText;
    parts.summary.addEventListener("input", () => { draft.summary = parts.summary.value; });
    section.append(field(_("Title"), parts.title), field(_("What the story is about"), parts.summary));
    const stepsHead = el("h3", null, _("Steps") + " ");
    parts.count = el("span", "maker-count");
    stepsHead.append(parts.count);
    parts.steps = el("ol", "maker-steps");
    parts.noSteps = el("p", "maker-empty", _("No steps yet: add reports from the map or from the list below."));
    section.append(stepsHead, parts.noSteps, parts.steps);
    parts.find = el("input", "maker-find");
    parts.find.type = "search";
    parts.find.addEventListener("input", renderFound);
    parts.found = el("ul", "maker-found");
    parts.foundCount = el("p", "maker-found-count");
    parts.foundCount.setAttribute("aria-live", "polite");
    section.append(field(_("Find a report to add"), parts.find, _("The list holds the reports the map shows; the filters below narrow it.")), parts.foundCount, parts.found);
    const actions = el("div", "maker-actions");
    actions.append(
      button("▶ " + _("Preview"), "maker-preview", preview),
      button(_("Make the link"), "maker-make-link", makeLink),
      button(_("Download the story file"), "maker-download", download),
    );
    parts.link = el("input", "maker-link");
    parts.link.type = "text";
    parts.link.readOnly = true;
    parts.copy = button(_("Copy the link"), "maker-copy", copyLink);
    parts.linkBox = el("div", "maker-link-box");
    parts.linkBox.append(field(_("The story's link"), parts.link), parts.copy);
    parts.linkBox.hidden = true;
    parts.status = el("p", "maker-status");
    parts.status.setAttribute("role", "status");
    section.append(actions, parts.linkBox, parts.status, button(_("Close the story maker"), "maker-close", () => setOpen(false)));
    openButton.closest(".story-maker-start").after(section);
  }

  function setOpen(open) {
    if (open && !section) build();
    if (open && !draft.steps.length && linked) {  // start from the story the link brought
      Object.assign(draft, { title: linked.title, summary: linked.summary, steps: linked.steps.map((s) => ({ question: "", ...s })) });
    }
    if (section) section.hidden = !open;
    openButton.setAttribute("aria-expanded", String(open));
    document.documentElement.classList.toggle("making-story", open);
    if (open) {
      parts.title.value = draft.title;
      parts.summary.value = draft.summary;
      renderSteps();
      renderFound();
      parts.title.focus();
    } else {
      openButton.focus();
    }
  }

  /* ---- the story, its link and its file ---- */

  function slug(text) {
    const s = text.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
    return new RegExp(rules.idPattern).test(s) ? s : "my-story";
  }

  /* The draft as a story, or null (after saying what is missing) when it is not one yet. */
  function story() {
    const data = {
      id: slug(draft.title),
      title: draft.title.trim(),
      summary: draft.summary.trim(),
      steps: draft.steps.map((s) => {
        const step = { report: s.report, text: s.text.trim() };
        if (s.question && s.question.trim()) step.question = s.question.trim();
        if (Number.isInteger(s.zoom)) step.zoom = s.zoom;
        return step;
      }),
    };
    const found = links.problems(data);
    if (!found.length) return data;
    const [where, why] = found[0];
    say(_("Not ready yet: %(where)s — %(why)s.", { where, why }));
    return null;
  }

  function linkFor(text) {
    const base = window.location.href.split(/[?#]/)[0];
    const lang = new URLSearchParams(window.location.search).get("lang");
    return `${base}${lang ? `?lang=${encodeURIComponent(lang)}` : ""}${links.PREFIX}${text}`;
  }

  async function makeLink() {
    const data = story();
    if (!data) return null;
    const text = await links.encode(data);
    if (text.length > rules.maxLinkChars) {
      say(_("The story is too long for a link (%(n)s characters, at most %(most)s): shorten its texts, or download the story file.", { n: window.webmapCore.formatNumber(text.length), most: window.webmapCore.formatNumber(rules.maxLinkChars) }));
      parts.linkBox.hidden = true;
      return null;
    }
    parts.link.value = linkFor(text);
    parts.linkBox.hidden = false;
    say(_("The link holds the whole story (%(n)s characters). Copy it and share it.", { n: window.webmapCore.formatNumber(parts.link.value.length) }));
    return { data, text };
  }

  async function preview() {
    const made = await makeLink();
    if (!made) return;
    window.webmapControls.clearFilters();
    if (window.webmapLayout && window.webmapLayout.sheetMode()) window.webmapLayout.setDrawer(false);
    await playLinked(made.data, links.PREFIX + made.text, 1);
  }

  async function copyLink() {
    parts.link.select();
    try {
      await navigator.clipboard.writeText(parts.link.value);
      say(_("Link copied."));
    } catch (error) {
      say(document.execCommand && document.execCommand("copy") ? _("Link copied.") : _("Select the link and copy it (Ctrl+C)."));
    }
  }

  function download() {
    const data = story();
    if (!data) return;
    const blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${data.id}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    say(_("Downloaded %(file)s: put it in geodata/stories/ to add it to the map for everyone.", { file: a.download }));
  }

  /* ---- the popup's button ---- */

  wm.popupExtras.push((p, box) => {
    if (!section || section.hidden) return;
    const at = draft.steps.findIndex((s) => s.report === p.id);
    const add = el("button", "maker-popup-add", at >= 0 ? _("In my story: step %(n)s", { n: at + 1 }) : "+ " + _("Add to my story"));
    add.type = "button";
    add.disabled = at >= 0;
    add.addEventListener("click", () => {
      if (!addStep(p.id)) return;
      add.textContent = _("In my story: step %(n)s", { n: draft.steps.length });
      add.disabled = true;
    });
    const row = el("p", "maker-popup-row");
    row.append(add);
    box.querySelector(".report-title").after(row);  // in sight without scrolling the popup
  });

  /* The list follows the filters: it holds what the map shows. */
  const filters = document.getElementById("filters");
  if (filters) {
    const follow = () => { if (section && !section.hidden) setTimeout(renderFound, 0); };
    filters.addEventListener("change", follow);
    filters.addEventListener("reset", follow);
  }

  if (openButton) {
    openButton.closest(".story-maker-start").hidden = false;
    openButton.addEventListener("click", () => setOpen(!section || section.hidden));
  }

  window.webmapStoryMaker = { open: () => setOpen(true), story: () => story() };
})();
