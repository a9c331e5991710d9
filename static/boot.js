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
let room = { driven: false, slide: 1, widgets: {} };
let follow = true;
const followBox = document.querySelector(".deck-nav .follow");
const followInput = followBox?.querySelector("input");
const following = () => !isPresenter && follow && room.driven;

// ---- widgets ----
const widgets = new Map(); // widget id → Widget
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
    if (following() && room.widgets[w.id]) w.apply(room.widgets[w.id].params);
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
  if (isPresenter && !fromRoom) socket?.send({ type: "slide", slide: n });
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
  const x = ev.clientX / window.innerWidth;
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
  if (followBox) followBox.hidden = isPresenter || !room.driven;
  if (!following()) return;
  show(room.slide, { fromRoom: true });
  for (const [id, st] of Object.entries(room.widgets)) {
    const w = widgets.get(id);
    if (w && w.active) w.apply(st.params);
  }
}
const socket = new Socket(config.socket, {
  onOpen() {
    for (const w of widgets.values()) w.resync();
    if (isPresenter && current) socket.send({ type: "slide", slide: current });
    if (!isPresenter && !follow) socket.send({ type: "follow", follow: false });
  },
  onStatus(s) {
    connDot.dataset.conn = s;
    connDot.title = s === "open" ? "connected" : s === "offline" ? "offline: reconnecting" : "connecting";
    if (s === "offline") for (const w of widgets.values()) if (w.active) w.offline();
  },
  onFrame(f) { widgets.get(f.header.widget)?.onFrame(f); },
  onMessage(m) {
    if (m.type === "state") { room = m; applyRoom(); }
    else if (m.type === "error") {
      if (m.widget && widgets.has(m.widget)) widgets.get(m.widget).onError(m);
      else console.warn("balamp:", m.message);
    } else if (m.type === "reload") location.reload();
  },
});
followInput?.addEventListener("change", () => {
  follow = followInput.checked;
  socket.send({ type: "follow", follow });
  if (follow) applyRoom();
});

window.balamp = {
  stats: () => stats.snapshot(),
  resetStats: () => stats.reset(),
  show: (n) => show(n),
  widgets,
  get room() { return room; },
};

show(parseInt(location.hash.slice(1), 10) || 1);
