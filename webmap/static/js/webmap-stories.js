/* webmap story mode: step through a story's reports; the map flies to each one.
 * Exposes window.webmapStories; webmap.js keeps ?story=<id>&step=<n> in the URL. */
(function () {
  "use strict";

  const wm = window.webmapMap;
  const map = wm.map;
  const stories = new Map((wm.config.stories || []).map((s) => [s.id, s]));
  const player = document.getElementById("story-player");
  const title = document.getElementById("story-title");
  const text = document.getElementById("story-text");
  const question = document.getElementById("story-question");
  const progress = document.getElementById("story-progress");
  const prev = document.getElementById("story-prev");
  const next = document.getElementById("story-next");
  // The note on a step whose report this map does not have, after the step's question.
  const missing = wm.el("p", "story-missing");
  question.after(missing);
  const listeners = [];
  let current = null;
  let index = 0;

  function show(story, i) {
    current = story;
    index = Math.max(0, Math.min(i, story.steps.length - 1));
    const step = story.steps[index];
    player.hidden = false;
    title.textContent = story.title;
    progress.textContent = window.webmapI18n._("Step %(step)s of %(steps)s", { step: index + 1, steps: story.steps.length });
    text.textContent = step.text;
    question.textContent = step.question ? window.webmapI18n._("Question: %(question)s", { question: step.question }) : "";
    question.hidden = !step.question;
    prev.disabled = index === 0;
    next.disabled = index === story.steps.length - 1;
    document.documentElement.dataset.storyStep = `${story.id}/${index + 1}`;
    const at = wm.latLngOf(step.report);
    const feature = window.webmap.features().find((f) => f.properties.id === step.report);
    missing.hidden = Boolean(at && feature);
    missing.textContent = missing.hidden ? "" : window.webmapI18n._("This step's report (%(id)s) is not on this map.", { id: String(step.report) });
    if (!at || !feature) return Promise.resolve(false);
    map.closePopup();
    // Never closer than the report's place is known (a whole country is not shown at street level).
    const zoom = Math.min(step.zoom || Math.max(map.getZoom(), 6), wm.maxZoomFor(feature.properties));
    return new Promise((resolve) => {
      map.once("moveend", () => wm.openReport(step.report, true).then(resolve));
      map.flyTo(at, zoom, { duration: 0.8 });
    });
  }

  function changed(done) { listeners.forEach((fn) => fn(done)); }

  /* Show a story at a step; returns a promise that settles when the map has arrived, or null. */
  function start(id, step, notify) {
    const story = stories.get(id);
    if (!story) return null;
    const done = show(story, (step || 1) - 1);
    if (notify !== false) changed(done);
    return done;
  }

  function close(notify) {
    if (!current) return;
    current = null;
    player.hidden = true;
    delete document.documentElement.dataset.storyStep;
    if (notify !== false) changed(Promise.resolve());
  }

  prev.addEventListener("click", () => changed(show(current, index - 1)));
  next.addEventListener("click", () => changed(show(current, index + 1)));
  document.getElementById("story-close").addEventListener("click", () => close());
  for (const link of document.querySelectorAll("a.story-start")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      window.webmapControls.clearFilters();
      start(link.dataset.story, 1);
    });
  }

  window.webmapStories = {
    /* Add a story that is not in the map's settings (a teacher's story from a link). */
    add: (story) => stories.set(story.id, story),
    start,
    close,
    state: () => (current ? { story: current.id, step: index + 1 } : null),
    onChange: (fn) => listeners.push(fn),
  };
})();
