// Widget: the part every demo shares. It builds the controls from the Go
// spec (sliders, selects, toggles, presets, readouts, reset), sends at most
// one parameter message per animation frame (and a final one on release),
// and draws each frame on the next animation frame, dropping frames older
// than the one shown. The demo's own module only draws.

const ENTITY = document.createElement("textarea");
function label(html) { ENTITY.innerHTML = html; return ENTITY.value; }

export class Widget {
  constructor(el, spec, page, view) {
    this.el = el;
    this.spec = spec;
    this.page = page;           // { send, stats }
    this.id = el.dataset.widget;
    this.view = view;           // { draw(frame), clear() }
    this.seq = 0;               // last sequence number sent
    this.shown = 0;             // last sequence number drawn
    this.sentAt = new Map();    // seq → performance.now() of the input
    this.pending = null;        // frame waiting for an animation frame
    this.sendScheduled = false;
    this.active = false;
    this.inputs = {};
    this.params = this.presetValues(spec.defaultPreset);
    if (el.dataset.preset) this.params = this.presetValues(el.dataset.preset, this.params);
    this.build();
    this.setState("connecting");
  }

  // presetValues returns base (the defaults when omitted) with the named
  // preset's values on top: a preset sets what it names and keeps the rest.
  presetValues(name, base) {
    const p = {};
    for (const q of this.spec.params) p[q.name] = q.default;
    if (base) Object.assign(p, base);
    const pr = this.spec.presets.find((x) => x.name === name);
    if (pr) Object.assign(p, pr.values);
    return p;
  }

  build() {
    const el = this.el, spec = this.spec;
    el.innerHTML = "";
    el.setAttribute("aria-label", spec.title);
    const head = document.createElement("div");
    head.className = "demo-head";
    const look = document.createElement("p");
    look.className = "demo-lookfor";
    look.textContent = spec.lookFor;
    head.appendChild(look);
    if (spec.equation) {
      const eq = document.createElement("div");
      eq.className = "demo-eq";
      eq.innerHTML = spec.equation; // trusted: MathML written in the Go spec
      head.appendChild(eq);
    }
    el.appendChild(head);
    this.figs = document.createElement("div");
    this.figs.className = "demo-figs";
    el.appendChild(this.figs);
    const side = document.createElement("div");
    side.className = "demo-controls";
    el.appendChild(side);

    if (spec.presets.length) {
      const box = document.createElement("div");
      box.className = "presets";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Presets");
      for (const pr of spec.presets) {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.preset = pr.name;
        b.textContent = label(pr.label);
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", () => this.applyPreset(pr.name));
        box.appendChild(b);
      }
      side.appendChild(box);
    }
    const fs = document.createElement("fieldset");
    const lg = document.createElement("legend");
    lg.textContent = "Parameters";
    fs.appendChild(lg);
    for (const q of spec.params) fs.appendChild(this.buildControl(q));
    side.appendChild(fs);

    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "reset";
    reset.textContent = "Reset";
    reset.addEventListener("click", () => this.reset());
    side.appendChild(reset);

    if (spec.readouts.length) {
      const dl = document.createElement("dl");
      dl.className = "readouts";
      this.readouts = {};
      for (const r of spec.readouts) {
        const dt = document.createElement("dt");
        dt.innerHTML = r.label; // trusted: it comes from the Go spec
        const dd = document.createElement("dd");
        const out = document.createElement("output");
        out.dataset.readout = r.name;
        out.textContent = "…";
        dd.appendChild(out);
        if (r.unit) dd.append(r.unit);
        dl.append(dt, dd);
        this.readouts[r.name] = out;
      }
      side.appendChild(dl);
    }
    this.status = document.createElement("div");
    this.status.className = "status";
    this.status.setAttribute("role", "status");
    side.appendChild(this.status);
    this.markPreset();
  }

  buildControl(q) {
    const wrap = document.createElement("div");
    wrap.className = "control";
    const id = `${this.id}-${q.name}`;
    const lab = document.createElement("label");
    lab.htmlFor = id;
    lab.innerHTML = q.label;
    wrap.appendChild(lab);
    let input;
    if (q.kind === "select") {
      input = document.createElement("select");
      for (const o of q.options) {
        const opt = document.createElement("option");
        opt.value = String(o.value);
        opt.textContent = label(o.label);
        input.appendChild(opt);
      }
      input.addEventListener("change", () => this.set(q.name, parseFloat(input.value), true));
    } else if (q.kind === "toggle") {
      input = document.createElement("button");
      input.type = "button";
      input.setAttribute("aria-pressed", "false");
      input.textContent = label(q.label);
      lab.remove();
      input.addEventListener("click", () => this.set(q.name, this.params[q.name] ? 0 : 1, true));
    } else {
      input = document.createElement("input");
      input.type = "range";
      input.min = q.min; input.max = q.max; input.step = q.step;
      input.addEventListener("input", () => this.set(q.name, parseFloat(input.value), false));
      input.addEventListener("change", () => this.set(q.name, parseFloat(input.value), true));
      const val = document.createElement("span");
      val.className = "value";
      wrap.appendChild(val);
      wrap.valueText = val;
    }
    input.id = id;
    input.name = q.name;
    wrap.appendChild(input);
    this.inputs[q.name] = { q, input, wrap };
    this.showValue(q.name);
    return wrap;
  }

  showValue(name) {
    const { q, input, wrap } = this.inputs[name];
    const v = this.params[name];
    if (q.kind === "select") input.value = String(v);
    else if (q.kind === "toggle") input.setAttribute("aria-pressed", v ? "true" : "false");
    else {
      input.value = v;
      wrap.valueText.textContent = v.toFixed(q.digits) + (q.unit ? " " + q.unit : "");
    }
  }

  markPreset() {
    for (const b of this.el.querySelectorAll("button[data-preset]")) {
      const pr = this.spec.presets.find((x) => x.name === b.dataset.preset);
      const on = Object.entries(pr.values).every(([k, v]) => Math.abs(v - this.params[k]) < 1e-9);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  // set changes one parameter from a control; final marks the end of a drag.
  set(name, v, final) {
    const changed = this.params[name] !== v;
    // A release ("change") after input events needs a message only if the
    // last change is still waiting for its animation frame.
    if (!changed && !(final && this.dirty)) return;
    this.params[name] = v;
    this.showValue(name);
    this.markPreset();
    if (this.inputs[name].q.local) { this.view.local?.(this.params); return; }
    this.requestSend(final);
  }

  applyPreset(name) {
    this.params = this.presetValues(name, this.params);
    this.refresh();
  }

  // reset returns every control to the demo's defaults and default preset.
  reset() {
    this.params = this.presetValues(this.spec.defaultPreset);
    this.refresh();
  }

  refresh() {
    for (const k of Object.keys(this.inputs)) this.showValue(k);
    this.markPreset();
    this.requestSend(true);
  }

  // show displays parameters set elsewhere (the room's, the presenter's)
  // on the controls without sending them: the room's frames are what the
  // page draws.
  show(params) {
    for (const [k, v] of Object.entries(params || {})) {
      if (k in this.inputs && this.params[k] !== v) { this.params[k] = v; this.showValue(k); }
    }
    this.markPreset();
  }

  // requestSend throttles input events to one message per animation frame
  // on the leading edge: the first change goes out at once, changes within
  // the same frame are coalesced into one message at the next frame.
  requestSend(now) {
    this.inputAt = this.inputAt ?? performance.now();
    if (!this.active) return;
    if (now) { this.sendNow(); return; }
    if (this.sendScheduled) { this.dirty = true; return; }
    this.sendNow();
    this.armThrottle();
  }

  // armThrottle holds further sends until the next animation frame, which
  // sends the coalesced change (if any) and holds again: at most one
  // message per frame.
  armThrottle() {
    this.sendScheduled = true;
    requestAnimationFrame(() => {
      if (this.dirty && this.active) { this.sendNow(); this.armThrottle(); return; }
      this.sendScheduled = false;
    });
  }

  sendNow() {
    if (!this.active) return;
    this.dirty = false;
    const wire = {};
    for (const q of this.spec.params) if (!q.local) wire[q.name] = this.params[q.name];
    this.seq = Math.max(this.seq, this.shown) + 1;
    this.sentAt.set(this.seq, this.inputAt ?? performance.now());
    this.inputAt = null;
    if (this.sentAt.size > 256) this.sentAt.delete(this.sentAt.keys().next().value);
    this.page.send({ type: "params", widget: this.id, demo: this.spec.id, seq: this.seq, params: wire });
    if (this.state !== "ready" || !this.page.connected()) this.setState(this.page.connected() ? "computing" : "offline");
  }

  start() {
    this.active = true;
    this.inputAt = performance.now();
    this.sendNow();
  }

  stop() {
    if (!this.active) return;
    this.active = false;
    this.page.send({ type: "stop", widget: this.id });
  }

  // resync is called after a reconnect: the server has forgotten us.
  resync() { if (this.active) { this.seq = this.shown; this.inputAt = performance.now(); this.sendNow(); } }

  offline() { this.setState("offline"); this.status.textContent = "Offline: reconnecting…"; }

  onFrame(frame) {
    if (frame.header.seq < this.shown) return; // older than what is shown
    this.pending = frame;
    if (this.drawScheduled) return;
    this.drawScheduled = true;
    requestAnimationFrame(() => this.drawPending());
  }

  drawPending() {
    this.drawScheduled = false;
    const f = this.pending;
    this.pending = null;
    if (!f || f.header.seq < this.shown) return;
    const h = f.header;
    this.shown = h.seq;
    this.el.dataset.seq = String(h.seq);
    for (const [k, v] of Object.entries(h.readouts || {})) if (this.readouts?.[k]) this.readouts[k].textContent = v;
    if (h.state === "unstable") {
      this.setState("unstable");
      this.status.textContent = h.message || "Unstable parameters.";
    } else if (h.state === "progress") {
      this.setState("computing");
      this.status.textContent = h.message || `Computing… ${Math.round(100 * (h.progress || 0))}%`;
      this.view.progress?.(f);
    } else {
      this.setState("ready");
      this.status.textContent = h.message || "";
      try {
        this.view.draw(f, this.params);
      } catch (err) {
        // A drawing bug must not look like a live figure.
        console.error(`balamp: drawing ${this.spec.id}:`, err);
        this.setState("error");
        this.status.textContent = `Drawing failed: ${err.message}`;
      }
    }
    const t0 = this.sentAt.get(h.seq);
    if (t0 !== undefined) {
      this.sentAt.delete(h.seq);
      this.page.stats.latency(performance.now() - t0);
    }
    this.page.stats.frame();
  }

  onError(msg) {
    if (msg.seq && msg.seq < this.seq) return; // about parameters already replaced
    this.setState("error");
    this.status.textContent = msg.message;
  }

  setState(s) { this.state = s; this.el.dataset.state = s; }
}

// addPanel appends a titled figure panel to a widget's figure grid at the
// named grid area: the title line (with a muted hint) and a plot box that a
// Surface fills.
export function addPanel(parent, title, hint, area) {
  const el = document.createElement("div");
  el.className = "panel";
  el.style.gridArea = area;
  const head = document.createElement("div");
  head.className = "panel-title";
  head.innerHTML = `${title} <span class="hint">${hint || ""}</span>`;
  const plot = document.createElement("div");
  plot.className = "plot";
  el.append(head, plot);
  parent.appendChild(el);
  return { el, plot, title: head, hint: head.querySelector(".hint") };
}

// mountView makes a demo module's mount(el, spec, page) from its view
// class: the view draws, the Widget does everything else.
export function mountView(View) {
  return (el, spec, page) => {
    const view = new View();
    const w = new Widget(el, spec, page, view);
    view.init(w);
    return w;
  };
}
