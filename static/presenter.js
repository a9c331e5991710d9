// presenter: the parts of the presenter view beside the live deck (which
// boot.js runs): the next slide as a static preview, the current slide's
// speaker notes, the elapsed time with its reset, and the wall clock.

const config = JSON.parse(document.getElementById("balamp-config").textContent);
const titles = Object.fromEntries(config.demos.map((s) => [s.id, s.title]));
const slides = [...document.querySelectorAll(".deck > .slide")];
const preview = document.querySelector(".pv-preview");
const nextNum = document.querySelector(".pv-next-num");
const notes = document.querySelector(".pv-notes-body");
const notesOn = notes.dataset.notes === "on";

// previewOf copies a slide for the preview: no ids, no notes, and inert
// placeholders where the live demos are.
function previewOf(slide) {
  const c = slide.cloneNode(true);
  c.removeAttribute("id");
  c.classList.add("current");
  c.setAttribute("inert", "");
  for (const el of c.querySelectorAll("[id]")) el.removeAttribute("id");
  for (const el of c.querySelectorAll("aside.notes")) el.remove();
  for (const el of c.querySelectorAll(".demo[data-demo]")) {
    const ph = document.createElement("div");
    ph.className = "demo-placeholder";
    ph.textContent = `Live demo: ${titles[el.dataset.demo] || el.dataset.demo}`;
    el.replaceWith(ph);
  }
  return c;
}

function update(n) {
  const next = slides[n]; // slides are numbered from 1
  nextNum.textContent = next ? `(${n + 1})` : "";
  if (next) preview.replaceChildren(previewOf(next));
  else {
    const end = document.createElement("p");
    end.className = "pv-end";
    end.textContent = "End of the talk";
    preview.replaceChildren(end);
  }
  if (!notesOn) return;
  // present makes one <p> per ": " line; consecutive lines are one
  // paragraph, an empty ":" line separates paragraphs.
  const lines = [...(slides[n - 1]?.querySelectorAll("aside.notes > p") || [])].map((p) => p.textContent.trim());
  const paras = [];
  let cur = [];
  for (const l of [...lines, ""]) {
    if (l) { cur.push(l); continue; }
    if (cur.length) paras.push(cur.join(" "));
    cur = [];
  }
  const nodes = paras.map((text) => {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  });
  if (!nodes.length) {
    const p = document.createElement("p");
    p.className = "pv-muted";
    p.textContent = "No notes for this slide.";
    nodes.push(p);
  }
  notes.replaceChildren(...nodes);
  notes.scrollTop = 0;
}

window.addEventListener("balamp:slide", (ev) => update(ev.detail.slide));
update(parseInt(document.body.dataset.slide, 10) || 1);

// ---- elapsed time and clock ----
// The start survives a reload of the presenter view (per tab).
const START_KEY = "balamp-presenter-start";
let start = Number(sessionStorage.getItem(START_KEY)) || Date.now();
sessionStorage.setItem(START_KEY, String(start));
const elapsed = document.querySelector(".pv-elapsed");
const clock = document.querySelector(".pv-clock");
const two = (v) => String(v).padStart(2, "0");

function tick() {
  const s = Math.max(0, Math.floor((Date.now() - start) / 1000));
  elapsed.textContent = `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  elapsed.dateTime = `PT${s}S`;
  const now = new Date();
  clock.textContent = `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
}
document.querySelector(".pv-reset").addEventListener("click", () => {
  start = Date.now();
  sessionStorage.setItem(START_KEY, String(start));
  tick();
});
tick();
setInterval(tick, 250);
