// boot: the deck (navigation, #N deep links, keys, clicks, swipes), the
// page's one websocket, the widgets of the current slide, following the
// presenter, and the latency statistics of window.balamp.stats().
import { Socket } from "./socket.js";

const config = JSON.parse(document.getElementById("balamp-config").textContent);
const specs = Object.fromEntries(config.demos.map((s) => [s.id, s]));
const slides = [...document.querySelectorAll(".deck > .slide")];
const total = slides.length;
const body = document.body;
const isPresenter = config.role === "presenter";

// ---- statistics: slider input → frame drawn ----
const lat = [];
let frames = [];
const stats = {
  latency(ms) { lat.push(ms); if (lat.length > 500) lat.shift(); },
  frame() { const now = performance.now(); frames.push(now); frames = frames.filter((t) => now - t < 1000); },
  snapshot() {
    const s = [...lat].sort((a, b) => a - b);
    const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null);
    const now = performance.now();
    return { latencyMs: { p50: q(0.5), p95: q(0.95), n: s.length }, fps: frames.filter((t) => now - t < 1000).length };
  },
  reset() { lat.length = 0; frames = []; },
};

// ---- the room: follow the presenter ----
// The server sends the room's state (slide, every widget's parameters,
// the replay's position) and, to following pages, the room's frames: a
// following page draws them without computing anything itself.
let room = { driven: false, talk: "", slide: 1, widgets: {} };
let follow = true;
let firstState = true; // the state sent on (re)connect
const followBox = document.querySelector(".deck-nav .follow");
const followInput = followBox?.querySelector("input");
const sameTalk = () => room.talk === config.talk;
// An audience page follows the presenter; during a replay the recording
// drives every page, the presenter view included.
const following = () => follow && room.driven && sameTalk() && (!isPresenter || !!room.replay);
// A presenter window mirrors what another presenter window (laptop and
// tablet) does, and keeps driving.
const mirroring = () => isPresenter && !room.replay && room.driven && sameTalk();

// ---- widgets ----
const widgets = new Map(); // widget id → Widget
const early = new Map();   // widget id → room frame that came before its widget
const modules = {};        // demo id → module promise
function moduleFor(id) {
  modules[id] = modules[id] || import(`./demo-${id}.js`);
  return modules[id];
}

const page = {
  send: (m) => socket.send(m),
  connected: () => socket.open,
  stats,
};

async function mountSlide(n) {
  const slide = slides[n - 1];
  for (const el of slide.querySelectorAll(".demo[data-demo]")) {
    let w = widgets.get(el.dataset.widget);
    if (!w) {
      const spec = specs[el.dataset.demo];
      if (!spec) { el.dataset.state = "error"; el.textContent = `unknown demo ${el.dataset.demo}`; continue; }
      const mod = await moduleFor(spec.id);
      if (current !== n) return; // the slide changed while loading
      w = mod.mount(el, spec, page);
      widgets.set(el.dataset.widget, w);
    }
    const st = room.widgets[w.id];
    const f = early.get(w.id);
    early.delete(w.id);
    if (following() && st) { // drawn from the room's frames
      w.show(st.params);
      if (f) w.onFrame(f);
      continue;
    }
    if (mirroring() && st) w.show(st.params);
    w.start();
  }
}

function stopSlide(n) {
  for (const el of slides[n - 1]?.querySelectorAll(".demo[data-widget]") || []) widgets.get(el.dataset.widget)?.stop();
}

// ---- navigation ----
let current = 0;
function show(n, { fromRoom = false } = {}) {
  n = Math.min(total, Math.max(1, n | 0));
  if (n === current) return;
  if (current) { slides[current - 1].classList.remove("current"); stopSlide(current); }
  current = n;
  slides[n - 1].classList.add("current");
  body.dataset.slide = String(n);
  document.querySelector(".nav-current").textContent = String(n);
  if (location.hash !== "#" + n) history.replaceState(null, "", "#" + n);
  mountSlide(n);
  if (isPresenter && !fromRoom && !room.replay) socket?.send({ type: "slide", slide: n });
  window.dispatchEvent(new CustomEvent("balamp:slide", { detail: { slide: n } }));
}
function go(delta) {
  if (following()) return; // the presenter drives; untick "follow" to explore
  show(current + delta);
}

function interactive(el) {
  return el.closest("input, select, textarea, button, a, canvas, [contenteditable], .demo-controls");
}

document.addEventListener("keydown", (ev) => {
  if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
  if (ev.target.closest?.("input, select, textarea, [contenteditable]")) return;
  // Space and Enter press a focused button (a preset, Play, Reset); they
  // must not turn the page, least of all for the presenter's whole room.
  if ((ev.key === " " || ev.key === "Enter") && ev.target.closest?.("button, [role=button], summary")) return;
  switch (ev.key) {
    case "ArrowRight": case "ArrowDown": case "PageDown": case " ": go(1); break;
    case "ArrowLeft": case "ArrowUp": case "PageUp": go(-1); break;
    case "Home": if (!following()) show(1); break;
    case "End": if (!following()) show(total); break;
    case "l": case "L": toggleStats(); break;
    default: return;
  }
  ev.preventDefault();
});
document.querySelector(".nav-prev").addEventListener("click", () => go(-1));
document.querySelector(".nav-next").addEventListener("click", () => go(1));
document.querySelector(".deck").addEventListener("click", (ev) => {
  if (interactive(ev.target) || ev.target.closest(".demo")) return;
  const r = ev.currentTarget.getBoundingClientRect();
  const x = (ev.clientX - r.left) / r.width;
  if (x > 0.88) go(1); else if (x < 0.12) go(-1);
});
let touch = null;
document.addEventListener("touchstart", (ev) => {
  touch = ev.target.closest(".demo") ? null : { x: ev.touches[0].clientX, y: ev.touches[0].clientY };
}, { passive: true });
document.addEventListener("touchend", (ev) => {
  if (!touch) return;
  const dx = ev.changedTouches[0].clientX - touch.x, dy = ev.changedTouches[0].clientY - touch.y;
  touch = null;
  if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) go(dx < 0 ? 1 : -1);
});
window.addEventListener("hashchange", () => {
  const n = parseInt(location.hash.slice(1), 10);
  if (n && n !== current) show(n);
});

// ---- stats overlay (key L) ----
let overlay = null;
function toggleStats() {
  if (overlay) { overlay.remove(); overlay = null; return; }
  overlay = document.createElement("div");
  overlay.className = "stats-overlay";
  document.body.appendChild(overlay);
  const tick = () => {
    if (!overlay) return;
    const s = stats.snapshot();
    const f = (v) => (v == null ? "–" : v.toFixed(1));
    overlay.textContent = `slider→frame  p50 ${f(s.latencyMs.p50)} ms  p95 ${f(s.latencyMs.p95)} ms  n ${s.latencyMs.n}\nframes drawn  ${s.fps}/s`;
    setTimeout(tick, 250);
  };
  tick();
}

// ---- the socket ----
const connDot = document.querySelector(".deck-nav .conn");
function applyRoom() {
  if (followBox) followBox.hidden = !(room.driven && sameTalk()) || (isPresenter && !room.replay);
  replayBar.update();
  if (!following() && !mirroring()) return;
  if (room.slide !== current) show(room.slide, { fromRoom: true });
  for (const [id, st] of Object.entries(room.widgets)) {
    const w = widgets.get(id);
    if (!w) continue;
    w.show(st.params);
    // A widget that computed for itself until the room knew it: the room's
    // frames take over.
    if (following() && w.active) w.stop();
  }
}

// setFollow leaves the room (the page's widgets compute for it alone, from
// the parameters they show) or rejoins it (the server sends the state and
// the room's frames at once).
function setFollow(on) {
  if (follow === on) return;
  follow = on;
  if (followInput) followInput.checked = on;
  socket.send({ type: "follow", follow: on });
  const here = slides[current - 1];
  for (const el of here?.querySelectorAll(".demo[data-widget]") || []) {
    const w = widgets.get(el.dataset.widget);
    if (!w) continue;
    if (on && room.widgets[w.id] && room.driven && sameTalk()) w.stop();
    else if (!on && !w.active) w.start();
  }
  if (on) applyRoom();
}

// Touching a demo while following means exploring: leave the room (the
// widget has already taken the new value; starting it sends it).
for (const type of ["input", "click"]) {
  document.addEventListener(type, (ev) => {
    if (following() && ev.target.closest?.(".demo .demo-controls input, .demo .demo-controls select, .demo .demo-controls button")) setFollow(false);
  });
}

// ---- the replay bar (with -replay): play, pause, seek, where it stopped ----
const replayBar = {
  el: null,
  t0: 0, at: 0, dragging: false,
  build() {
    const el = document.createElement("div");
    el.className = "replay-bar";
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", "Replay of a recorded lecture");
    el.innerHTML = `<button type="button" class="replay-play"></button>` +
      `<input type="range" class="replay-seek" min="0" step="100" aria-label="Position in the recording">` +
      `<span class="replay-time"></span><span class="replay-stopped" role="status"></span>`;
    document.body.appendChild(el);
    this.el = el;
    this.play = el.querySelector(".replay-play");
    this.seek = el.querySelector(".replay-seek");
    this.time = el.querySelector(".replay-time");
    this.stopped = el.querySelector(".replay-stopped");
    this.play.addEventListener("click", () => socket.send({ type: "replay", action: room.replay?.playing ? "pause" : "play" }));
    this.seek.addEventListener("input", () => { this.dragging = true; this.showTime(+this.seek.value); });
    this.seek.addEventListener("change", () => {
      this.dragging = false;
      socket.send({ type: "replay", action: "seek", t: +this.seek.value });
    });
    const tick = () => { this.tick(); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  },
  update() {
    const r = room.replay;
    if (!r) { this.el?.remove(); this.el = null; return; }
    if (!this.el) this.build();
    const control = r.control === "all" || isPresenter;
    this.play.disabled = this.seek.disabled = !control;
    this.play.textContent = r.playing ? "❚❚" : "▶";
    this.play.setAttribute("aria-label", r.playing ? "Pause the replay" : "Play the replay");
    this.el.dataset.playing = String(r.playing);
    this.seek.max = String(r.duration);
    this.stopped.textContent = r.stopped || "";
    this.stopped.hidden = !r.stopped;
    this.t0 = r.t; this.at = performance.now();
    this.tick();
  },
  position() {
    const r = room.replay;
    return r.playing ? Math.min(r.duration, this.t0 + performance.now() - this.at) : this.t0;
  },
  tick() {
    if (!this.el || !room.replay || this.dragging) return;
    const t = this.position();
    this.seek.value = String(t);
    this.showTime(t);
  },
  showTime(t) {
    const f = (ms) => { const s = Math.floor(ms / 1000); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`; };
    this.time.textContent = `${f(t)} / ${f(room.replay.duration)}`;
  },
};

const socketURL = () => {
  const q = new URLSearchParams({ talk: config.talk });
  if (isPresenter) q.set("role", "presenter");
  return `${config.socket}?${q}`;
};
const socket = new Socket(socketURL(), {
  onOpen() {
    firstState = true;
    for (const w of widgets.values()) w.resync();
    if (isPresenter && current && !room.replay) socket.send({ type: "slide", slide: current });
    socket.send({ type: "follow", follow });
  },
  onStatus(s) {
    connDot.dataset.conn = s;
    connDot.title = s === "open" ? "connected" : s === "offline" ? "offline: reconnecting" : "connecting";
    // Every widget on screen goes offline, following ones included: a stale
    // figure must not look live. Their next frame clears it.
    if (s === "offline") {
      for (const el of slides[current - 1]?.querySelectorAll(".demo[data-widget]") || []) widgets.get(el.dataset.widget)?.offline();
    }
  },
  onFrame(f) {
    const w = widgets.get(f.header.widget);
    if (w) w.onFrame(f);
    else early.set(f.header.widget, f); // a room frame for a widget still loading
  },
  onMessage(m) {
    if (m.type === "state") {
      const first = firstState;
      firstState = false;
      room = m;
      // On (re)connect a presenter window is the authority: it has just
      // sent its own slide, and its widgets their parameters.
      if (isPresenter && first && !m.replay) {
        if (followBox) followBox.hidden = true;
        replayBar.update();
        return;
      }
      applyRoom();
    }
    else if (m.type === "error") {
      if (m.widget && widgets.has(m.widget)) widgets.get(m.widget).onError(m);
      else console.warn("balamp:", m.message);
    } else if (m.type === "reload") location.reload();
  },
});
followInput?.addEventListener("change", () => {
  setFollow(followInput.checked);
  followInput.blur(); // the arrow keys go back to the deck
});

window.balamp = {
  stats: () => stats.snapshot(),
  resetStats: () => stats.reset(),
  show: (n) => show(n),
  widgets,
  get room() { return room; },
  get following() { return following(); },
  setFollow,
};

show(parseInt(location.hash.slice(1), 10) || 1);
