// Fig 2: Hebbian versus balanced amplification. Draws the server's closed
// forms side by side: each network's circuit with its weights, and its
// response beside the no-recurrence reference on a common time axis, raw
// or peak-normalised (a drawing choice, so done here). Hover, touch or
// ←/→ on a plot reads all curves at one time.
import { mountView } from "./widget.js";
import { Surface, Axes, extent, legend, palette, arrow, bentArrow, selfLoop, richText, fmtNum } from "./plot.js";

const fmt = (v, d = 3) => fmtNum(v, d);
const REF = "#8a8f96";

function panel(parent, title, area) {
  const p = document.createElement("div");
  p.className = "panel";
  p.style.gridArea = area;
  const h = document.createElement("div");
  h.className = "panel-title";
  h.innerHTML = title;
  p.appendChild(h);
  parent.appendChild(p);
  return { el: p, title: h };
}

function plotBox(panel, cls) {
  const d = document.createElement("div");
  d.className = "plot " + cls;
  panel.el.appendChild(d);
  return d;
}


class HebbianView {
  init(widget) {
    this.widget = widget;
    this.frame = null;
    this.params = widget.params;
    this.t = null; // scrubbed time, τ (null: none)
    const figs = widget.figs;
    figs.classList.add("hebbian-figs");
    figs.style.gridTemplateColumns = "minmax(0, 1fr) minmax(0, 1fr)";
    figs.style.gridTemplateRows = "minmax(0, 1fr) auto";
    figs.style.gridTemplateAreas = '"heb bal" "read read"';
    const h = panel(figs, "Hebbian · one E population", "heb");
    const b = panel(figs, "Balanced · E and I (Fig 1 circuit)", "bal");
    this.hTitle = h.title; this.bTitle = b.title;
    this.hCircuit = new Surface(plotBox(h, "circuit"), (ctx, w, hh) => this.drawHebbianCircuit(ctx, w, hh));
    this.bCircuit = new Surface(plotBox(b, "circuit"), (ctx, w, hh) => this.drawBalancedCircuit(ctx, w, hh));
    this.hPlot = new Surface(plotBox(h, "curves"), (ctx, w, hh) => this.drawCurves(ctx, w, hh, "hebbian"));
    this.bPlot = new Surface(plotBox(b, "curves"), (ctx, w, hh) => this.drawCurves(ctx, w, hh, "balanced"));
    this.readline = document.createElement("div");
    this.readline.className = "readline";
    this.readline.style.gridArea = "read";
    figs.appendChild(this.readline);
    this.axes = {};
    for (const [s, which] of [[this.hPlot, "hebbian"], [this.bPlot, "balanced"]]) this.bindScrub(s.canvas, which);
  }

  bindScrub(canvas, which) {
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "slider");
    canvas.setAttribute("aria-label", "time, in units of τ");
    const fromEvent = (ev) => {
      const ax = this.axes[which];
      if (!ax) return;
      const r = canvas.getBoundingClientRect();
      this.scrub(ax.dataX(ev.clientX - r.left));
    };
    canvas.addEventListener("pointermove", fromEvent);
    canvas.addEventListener("pointerdown", (ev) => { canvas.setPointerCapture(ev.pointerId); fromEvent(ev); });
    canvas.addEventListener("pointerleave", (ev) => { if (ev.pointerType === "mouse") this.scrub(null); });
    canvas.addEventListener("keydown", (ev) => {
      if (!this.frame) return;
      const tEnd = this.frame.header.meta.tEnd, t = this.t ?? 0;
      const step = (ev.shiftKey ? 0.1 : 0.01) * tEnd;
      if (ev.key === "ArrowRight" || ev.key === "ArrowUp") this.scrub(t + step);
      else if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") this.scrub(t - step);
      else if (ev.key === "Home") this.scrub(0);
      else if (ev.key === "End") this.scrub(tEnd);
      else return;
      ev.preventDefault();
      ev.stopPropagation(); // arrows scrub here; they do not change slides
    });
  }

  scrub(t) {
    if (t != null && this.frame) t = Math.min(this.frame.header.meta.tEnd, Math.max(0, t));
    this.t = t;
    for (const s of [this.hPlot, this.bPlot]) {
      if (t == null) s.canvas.removeAttribute("aria-valuenow"); else s.canvas.setAttribute("aria-valuenow", t.toFixed(2));
      s.redraw();
    }
    this.updateReadline();
  }

  draw(frame, params) {
    this.frame = frame;
    if (params) this.params = params;
    const m = frame.header.meta;
    this.hTitle.innerHTML = `Hebbian · one E population <span class="hint">w<sub>H</sub> = ${fmt(m.hebbian.w)}</span>`;
    this.bTitle.innerHTML = `Balanced · E and I <span class="hint">w = ${fmt(m.balanced.w, 2)}, k<sub>I</sub> = ${m.kI.toFixed(2)}</span>`;
    this.redraw();
  }

  local(params) { this.params = params; this.redraw(); }

  redraw() {
    for (const s of [this.hCircuit, this.bCircuit, this.hPlot, this.bPlot]) s.redraw();
    this.updateReadline();
  }

  normalised() { return +this.params.view === 1; }

  // index of time t in the sample arrays
  index(t) {
    const a = this.frame.arrays.t, n = a.length;
    return Math.min(n - 1, Math.max(0, Math.round((t / this.frame.header.meta.tEnd) * (n - 1))));
  }

  // curves returns the arrays drawn, scaled by their peaks when normalised.
  curves() {
    const a = this.frame.arrays;
    const names = ["hebbian", "balancedE", "balancedI", "reference"];
    const out = {};
    for (const n of names) {
      let s = 1;
      if (this.normalised()) {
        let peak = 0;
        for (const v of a[n]) peak = Math.max(peak, Math.abs(v));
        s = peak > 0 ? 1 / peak : 1;
      }
      out[n] = s === 1 ? a[n] : a[n].map((v) => v * s);
      out[n].scale = s;
    }
    return out;
  }

  updateReadline() {
    if (!this.frame) { this.readline.textContent = ""; return; }
    const m = this.frame.header.meta, c = this.curves();
    if (this.t == null) {
      const what = m.input === 1 ? "sustained input: both settle at A" : "E pulse: equal areas A";
      this.readline.textContent = `A = ${m.a.toFixed(2)}× (${what}) · response time: Hebbian ${m.hebbian.centroid.toFixed(2)}τ, balanced ${m.balanced.centroid.toFixed(2)}τ · hover a plot to read values`;
      return;
    }
    const i = this.index(this.t), d = this.normalised() ? " (÷ peak)" : "";
    this.readline.textContent = `t = ${this.t.toFixed(2)}τ${d}: Hebbian rE ${fmt(c.hebbian[i])} · balanced rE ${fmt(c.balancedE[i])}, rI ${fmt(c.balancedI[i])} · no recurrence ${fmt(c.reference[i])}`;
  }

  drawCurves(ctx, W, H, which) {
    if (!this.frame) return;
    const m = this.frame.header.meta, t = this.frame.arrays.t, c = this.curves();
    const s = which === "hebbian" ? this.hPlot : this.bPlot;
    const font = s.fontPx() * 0.9;
    const rect = { x: font * 4.4, y: font * 2.4, w: W - font * 5.2, h: H - font * 5.2 };
    // One y range for both panels, so amplitudes compare.
    const y = extent([c.hebbian, c.balancedE, c.balancedI, c.reference], 0.06, [0]);
    const norm = this.normalised();
    const ax = new Axes(ctx, rect, { x: [0, m.tEnd], y, xlabel: "t / τ", ylabel: norm ? "rate ÷ its peak" : "rate", font });
    this.axes[which] = ax;
    ax.draw();
    const rE = which === "hebbian" ? c.hebbian : c.balancedE;
    const net = which === "hebbian" ? m.hebbian : m.balanced;
    // the area under rE (pulse, raw) is the amplification
    if (m.input === 0 && !norm) {
      ctx.save();
      ctx.beginPath(); ctx.rect(rect.x, rect.y, rect.w, rect.h); ctx.clip();
      ctx.fillStyle = "rgba(26, 150, 65, 0.13)";
      ctx.beginPath(); ctx.moveTo(ax.px(0), ax.py(0));
      for (let i = 0; i < t.length; i++) ctx.lineTo(ax.px(t[i]), ax.py(rE[i]));
      ctx.lineTo(ax.px(t[t.length - 1]), ax.py(0)); ctx.closePath(); ctx.fill();
      ctx.restore();
    }
    if (m.input === 1 && !norm) {
      ctx.save(); ctx.strokeStyle = "#999"; ctx.setLineDash([2, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(rect.x, ax.py(m.a)); ctx.lineTo(rect.x + rect.w, ax.py(m.a)); ctx.stroke(); ctx.restore();
    }
    // response time (centroid) marker
    ax.vline(net.centroid, { color: palette.e, dash: [5, 4], width: 1.2 });
    ax.line(t, c.reference, { color: REF, width: 1.8, dash: [6, 4] });
    if (which === "balanced") ax.line(t, c.balancedI, { color: palette.i, width: 1.8 });
    ax.line(t, rE, { color: palette.e, width: 2.6 });
    // annotations
    ctx.save();
    ctx.font = `${font * 0.95}px system-ui, sans-serif`;
    ctx.fillStyle = palette.e; ctx.textBaseline = "top";
    const tx = ax.px(net.centroid);
    const label = `response time ${net.centroid.toFixed(2)}τ`;
    const lw = ctx.measureText(label).width;
    const right = tx + 4 + lw < rect.x + rect.w;
    ctx.textAlign = right ? "left" : "right";
    ctx.fillText(label, tx + (right ? 4 : -4), rect.y + 4);
    if (m.input === 0 && !norm) {
      ctx.fillStyle = "#14632e"; ctx.textAlign = "left";
      ctx.fillText(`area = ${m.a.toFixed(2)} (A)`, right ? tx + 4 : rect.x + 6, rect.y + 4 + font * 1.25);
    }
    if (m.input === 1 && !norm) {
      ctx.fillStyle = "#666"; ctx.textAlign = "right"; ctx.textBaseline = "bottom";
      ctx.fillText(`A = ${m.a.toFixed(2)}`, rect.x + rect.w - 4, ax.py(m.a) - 2);
    }
    ctx.restore();
    if (this.t != null) {
      const i = this.index(this.t);
      ax.vline(t[i], { color: "#333", dash: [], width: 1.2 });
      ax.dot(t[i], rE[i], { color: palette.e, r: 3.5 });
      ax.dot(t[i], c.reference[i], { color: REF, r: 3 });
      if (which === "balanced") ax.dot(t[i], c.balancedI[i], { color: palette.i, r: 3 });
    }
    const items = [{ label: "rE", color: palette.e }];
    if (which === "balanced") items.push({ label: "rI", color: palette.i });
    items.push({ label: "no recurrence (w = 0)", color: REF, dash: [6, 4] });
    legend(ctx, rect.x, font * 0.8, items, font);
  }

  // the Hebbian circuit: one E disc with its self-loop w_H
  drawHebbianCircuit(ctx, W, H) {
    if (!this.frame) return;
    const m = this.frame.header.meta, font = this.hCircuit.fontPx() * 0.9;
    const R = Math.min(H * 0.24, W * 0.09);
    const x = W * 0.26, y = H * 0.46;
    const width = 1.5 + 4 * m.hebbian.w;
    const lab = selfLoop(ctx, x, y, R, Math.PI, { color: palette.e, width, head: 6 + width, size: 0.7 });
    arrow(ctx, x, y + R + font * 1.9, x, y + R + 2, { color: "#777", width: 1.5, head: 7 });
    this.disc(ctx, x, y, R, "E", palette.e, font);
    ctx.save();
    ctx.font = `${font}px system-ui, sans-serif`; ctx.fillStyle = palette.axis; ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    const wl = `w_H = ${fmt(m.hebbian.w)}`;
    richText(ctx, wl, Math.max(2, lab.x - ctx.measureText(wl).width / 2), y - R - font * 0.9);
    ctx.fillText("input", x + 6, y + R + font * 1.2);
    const tx = x + R + font * 1.5;
    this.sideText(ctx, tx, y, W, font, `decay τ/(1 − w_H) = ${m.hebbian.decayTime.toFixed(2)}τ`, "amplification costs slowing");
    ctx.restore();
  }

  // the balanced circuit: E and I discs, as in Fig 1
  drawBalancedCircuit(ctx, W, H) {
    if (!this.frame) return;
    const m = this.frame.header.meta, font = this.bCircuit.fontPx() * 0.9;
    const R = Math.min(H * 0.2, W * 0.075);
    const ex = W * 0.15, ix = W * 0.43, y = H * 0.46;
    const scale = Math.max(m.balanced.wI, 1);
    const width = (wt) => 1.2 + 5 * Math.min(1, wt / scale);
    const we = width(m.balanced.w), wi = width(m.balanced.wI);
    bentArrow(ctx, ex + R * 0.8, y - R * 0.6, ix - R * 0.8, y - R * 0.6, 0.18 * (ix - ex), { color: palette.e, width: we, head: 6 + we });
    bentArrow(ctx, ix - R * 0.8, y + R * 0.6, ex + R * 0.8, y + R * 0.6, 0.18 * (ix - ex), { color: palette.i, width: wi, head: 6 + wi, inhibitory: true });
    selfLoop(ctx, ex, y, R, Math.PI, { color: palette.e, width: we, head: 6 + we });
    selfLoop(ctx, ix, y, R, 0, { color: palette.i, width: wi, head: 6 + wi, inhibitory: true });
    arrow(ctx, ex - R * 0.25, y + R + font * 1.9, ex - R * 0.25, y + R * 0.97, { color: "#777", width: 1.5, head: 7 });
    this.disc(ctx, ex, y, R, "E", palette.e, font);
    this.disc(ctx, ix, y, R, "I", palette.i, font);
    ctx.save();
    ctx.font = `${font}px system-ui, sans-serif`; ctx.fillStyle = palette.axis; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText(`w = ${fmt(m.balanced.w, 2)}`, (ex + ix) / 2, y - R * 1.05 - 0.18 * (ix - ex) * 0.9);
    ctx.textBaseline = "top";
    richText(ctx, `−k_I·w = −${fmt(m.balanced.wI, 2)}`, (ex + ix) / 2, y + R * 1.05 + 0.18 * (ix - ex) * 0.9);
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    ctx.fillText("input", ex - R * 0.25 - 5, y + R + font * 1.2);
    ctx.textAlign = "left";
    this.sideText(ctx, ix + R * 2.4, y, W, font, `slowest decay ${m.balanced.decayTime.toFixed(2)}τ`, "amplifies without slowing");
    ctx.restore();
  }

  // sideText writes two lines left-aligned from x, centred on y, shrinking
  // the font so that they end before the canvas edge W.
  sideText(ctx, x, y, W, font, line1, line2) {
    ctx.save();
    ctx.font = `${font}px system-ui, sans-serif`;
    const need = Math.max(ctx.measureText(line1).width, ctx.measureText(line2).width);
    const f = Math.max(font * 0.6, Math.min(font, (font * (W - x - 4)) / need));
    ctx.font = `${f}px system-ui, sans-serif`;
    ctx.textAlign = "left"; ctx.textBaseline = "middle"; ctx.fillStyle = palette.axis;
    richText(ctx, line1, x, y - f * 0.7);
    ctx.fillStyle = palette.muted;
    ctx.fillText(line2, x, y + f * 0.7);
    ctx.restore();
  }

  disc(ctx, x, y, R, name, ring, font) {
    ctx.save();
    ctx.fillStyle = "#fff"; ctx.strokeStyle = ring; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.arc(x, y, R, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = ring; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.font = `600 ${Math.min(font * 1.3, R)}px system-ui, sans-serif`;
    ctx.fillText(name, x, y + 1);
    ctx.restore();
  }
}

export const mount = mountView(HebbianView);
