// Fig 1: the two-population circuit. Draws the server's closed-form
// solution: circuit with live fill, snapshot discs, time course with a
// scrubbable time, and the phase plane with both eigenvector directions.
import { addPanel, mountView } from "./widget.js";
import { Surface, Axes, extent, legend, palette, colormaps, cssColor, colorbar, arrow, fmtNum } from "./plot.js";

const fmt = (v, d = 3) => fmtNum(v, d);


class TwoPopView {
  init(widget) {
    this.widget = widget;
    this.frame = null;
    this.t = 0.4; // scrubbed time, τ
    const figs = widget.figs;
    figs.style.gridTemplateColumns = "minmax(0, 1fr) minmax(0, 1.15fr)";
    figs.style.gridTemplateRows = "minmax(0, 0.8fr) minmax(0, 1.2fr)";
    figs.style.gridTemplateAreas = '"circuit snaps" "course phase"';
    const c = addPanel(figs, "A · Circuit", "fill = rate at the scrubbed time", "circuit");
    const s = addPanel(figs, "B · Snapshots", "", "snaps");
    const tc = addPanel(figs, "Time course", "hover, touch or ←/→ to scrub", "course");
    const ph = addPanel(figs, "Phase plane (r<sub>E</sub>, r<sub>I</sub>)", "", "phase");
    this.readline = document.createElement("div");
    this.readline.className = "readline";
    this.readline.setAttribute("aria-live", "off");
    tc.el.appendChild(this.readline);
    this.circuit = new Surface(c.plot, (ctx, w, h) => this.drawCircuit(ctx, w, h));
    this.snaps = new Surface(s.plot, (ctx, w, h) => this.drawSnaps(ctx, w, h));
    this.course = new Surface(tc.plot, (ctx, w, h) => this.drawCourse(ctx, w, h));
    this.phase = new Surface(ph.plot, (ctx, w, h) => this.drawPhase(ctx, w, h));
    this.phaseTitle = ph.el.querySelector(".hint");
    this.bindScrub(this.course.canvas);
  }

  bindScrub(canvas) {
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "slider");
    canvas.setAttribute("aria-label", "time, in units of τ");
    canvas.setAttribute("aria-valuemin", "0");
    canvas.setAttribute("aria-valuemax", "5");
    const fromEvent = (ev) => {
      if (!this.ax) return;
      const r = canvas.getBoundingClientRect();
      const t = this.ax.dataX(ev.clientX - r.left);
      this.scrub(t);
    };
    canvas.addEventListener("pointermove", fromEvent);
    canvas.addEventListener("pointerdown", (ev) => { canvas.setPointerCapture(ev.pointerId); fromEvent(ev); });
    canvas.addEventListener("keydown", (ev) => {
      const step = ev.shiftKey ? 0.5 : 0.05;
      if (ev.key === "ArrowRight" || ev.key === "ArrowUp") this.scrub(this.t + step);
      else if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") this.scrub(this.t - step);
      else if (ev.key === "Home") this.scrub(0);
      else if (ev.key === "End") this.scrub(5);
      else return;
      ev.preventDefault();
      ev.stopPropagation(); // arrows scrub here; they do not change slides
    });
  }

  scrub(t) {
    this.t = Math.min(5, Math.max(0, Math.round(t / 0.005) * 0.005));
    this.course.canvas.setAttribute("aria-valuenow", this.t.toFixed(2));
    this.redraw();
  }

  draw(frame) {
    this.frame = frame;
    this.redraw();
  }

  redraw() {
    for (const s of [this.circuit, this.snaps, this.course, this.phase]) s.redraw();
    this.updateReadline();
  }

  // index of the scrubbed time in the sample arrays
  at(name) {
    const a = this.frame.arrays[name];
    const i = Math.min(a.length - 1, Math.max(0, Math.round(this.t / 0.005)));
    return a[i];
  }

  updateReadline() {
    if (!this.frame) return;
    const m = this.frame.header.meta;
    const ms = (this.t * m.tauMs).toFixed(1);
    this.readline.textContent = `t = ${this.t.toFixed(2)}τ (${ms} ms): sum ${fmt(this.at("sum"))}  diff ${fmt(this.at("diff"))}  rE ${fmt(this.at("rE"))}  rI ${fmt(this.at("rI"))}`;
  }

  color(v, scale) { return cssColor(colormaps.diverging(0.5 + 0.5 * v / (scale || 1))); }

  drawCircuit(ctx, W, H) {
    if (!this.frame) return;
    const m = this.frame.header.meta;
    const font = this.circuit.fontPx();
    const bar = { x: W - font * 3.2, y: font * 1.2, w: font * 0.8, h: H - font * 2.6 };
    const cw = bar.x - font * 1.2;
    const R = Math.min(cw * 0.13, H * 0.2);
    const ex = cw * 0.3, ix = cw * 0.72, y = H * 0.52;
    const width = (wt) => Math.min(R * 0.5, 1 + 1.4 * wt);
    ctx.lineCap = "round";
    // E → I (green, over the top) and I → E (red, underneath)
    this.curve(ctx, ex + R * 0.7, y - R * 0.7, ix - R * 0.7, y - R * 0.7, -R * 0.9, palette.e, width(m.w), false);
    this.curve(ctx, ix - R * 0.7, y + R * 0.7, ex + R * 0.7, y + R * 0.7, R * 0.9, palette.i, width(m.wI), true);
    // self-loops on the outer sides
    this.loop(ctx, ex - R, y, -1, R, palette.e, width(m.w), false);
    this.loop(ctx, ix + R, y, 1, R, palette.i, width(m.wI), true);
    // external input arrows
    arrow(ctx, ex, y + R * 2.1, ex, y + R * 1.05, { color: "#777", width: 1.5, head: 7 });
    arrow(ctx, ix, y + R * 2.1, ix, y + R * 1.05, { color: "#777", width: 1.5, head: 7 });
    const rE = this.at("rE"), rI = this.at("rI");
    this.disc(ctx, ex, y, R, this.color(rE, m.scale), "E", rE, palette.e, font);
    this.disc(ctx, ix, y, R, this.color(rI, m.scale), "I", rI, palette.i, font);
    ctx.font = `${font * 0.85}px system-ui, sans-serif`;
    ctx.fillStyle = palette.muted; ctx.textAlign = "center";
    ctx.fillText(`w = ${m.w.toFixed(2)}`, (ex + ix) / 2, y - R * 1.95);
    ctx.fillText(`−kI·w = −${m.wI.toFixed(2)}`, (ex + ix) / 2, y + R * 2.05);
    ctx.textAlign = "left";
    ctx.fillText(`t = ${this.t.toFixed(2)}τ`, 2, H - font * 0.4);
    colorbar(ctx, bar, colormaps.diverging, -m.scale, m.scale, { font: font * 0.8, label: "rate" });
  }

  // curve draws a connection bent by `bend` pixels (negative: upwards).
  curve(ctx, x0, y0, x1, y1, bend, color, width, inhibitory) {
    const mx = (x0 + x1) / 2, my = (y0 + y1) / 2 + bend;
    ctx.save();
    ctx.strokeStyle = color; ctx.lineWidth = width;
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.quadraticCurveTo(mx, my, x1, y1); ctx.stroke();
    ctx.restore();
    const tx = x1 - mx, ty = y1 - my, n = Math.hypot(tx, ty);
    arrow(ctx, x1 - tx / n * 2, y1 - ty / n * 2, x1, y1, { color, width, head: 6 + width, inhibitory });
  }

  // loop draws a self-connection beside the disc whose edge is at x.
  loop(ctx, x, y, dir, R, color, width, inhibitory) {
    const r = R * 0.5, cx = x + dir * r * 0.75;
    const gap = dir < 0 ? 0 : Math.PI; // the opening faces the disc
    const a0 = gap + 0.95, a1 = gap + 2 * Math.PI - 0.95;
    ctx.save();
    ctx.strokeStyle = color; ctx.lineWidth = width;
    ctx.beginPath(); ctx.arc(cx, y, r, a0, a1); ctx.stroke();
    ctx.restore();
    const ex = cx + r * Math.cos(a1), ey = y + r * Math.sin(a1);
    const tx = -Math.sin(a1), ty = Math.cos(a1);
    arrow(ctx, ex - tx * 3, ey - ty * 3, ex, ey, { color, width, head: 6 + width, inhibitory });
  }

  disc(ctx, x, y, R, fill, name, v, ring, font) {
    ctx.save();
    ctx.fillStyle = fill; ctx.strokeStyle = ring; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.arc(x, y, R, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = "#111"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.font = `600 ${font * 1.2}px system-ui, sans-serif`;
    ctx.fillText(name, x, y - font * 0.45);
    ctx.font = `${font * 0.85}px ui-monospace, monospace`;
    ctx.fillText(fmt(v, 2), x, y + font * 0.65);
    ctx.restore();
  }

  drawSnaps(ctx, W, H) {
    if (!this.frame) return;
    const m = this.frame.header.meta;
    const font = this.snaps.fontPx();
    const E = this.frame.arrays.snapE, I = this.frame.arrays.snapI;
    const n = m.snapshots.length;
    const colW = W / n;
    const R = Math.min(colW * 0.3, (H - font * 4.2) / 4.6);
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    for (let k = 0; k < n; k++) {
      const x = colW * (k + 0.5);
      ctx.font = `${font * 0.9}px system-ui, sans-serif`;
      ctx.fillStyle = palette.axis;
      ctx.fillText(`t = ${m.snapshots[k]}τ`, x, font * 0.7);
      const yE = font * 1.6 + R, yI = yE + 2 * R + font * 1.7;
      for (const [y, v, ring] of [[yE, E[k], palette.e], [yI, I[k], palette.i]]) {
        ctx.fillStyle = this.color(v, m.scale); ctx.strokeStyle = ring; ctx.lineWidth = 2.5;
        ctx.beginPath(); ctx.arc(x, y, R, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
        ctx.fillStyle = "#111";
        ctx.font = `${font * 0.85}px ui-monospace, monospace`;
        ctx.fillText(v.toFixed(2), x, y + R + font * 0.7);
      }
    }
    ctx.font = `${font * 0.8}px system-ui, sans-serif`;
    ctx.fillStyle = palette.muted; ctx.textAlign = "left";
    ctx.fillText("top: E   bottom: I", 2, H - font * 0.5);
  }

  drawCourse(ctx, W, H) {
    if (!this.frame) return;
    const f = this.frame, a = f.arrays, m = f.header.meta;
    const font = this.course.fontPx() * 0.85;
    const rect = { x: font * 4, y: font * 2.6, w: W - font * 5, h: H - font * 5.4 };
    const y = extent([a.sum, a.diff, a.rE, a.rI], 0.08, [0]);
    const ax = new Axes(ctx, rect, { x: [0, 5], y, xlabel: `t / τ   (top: ms, τ = ${m.tauMs} ms)`, ylabel: "rate", font });
    this.ax = ax;
    ax.draw();
    // ms ticks along the top
    ctx.save();
    ctx.font = `${font * 0.85}px system-ui, sans-serif`; ctx.fillStyle = palette.muted; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    const msStep = m.tauMs * 5 > 60 ? 20 : m.tauMs * 5 > 24 ? 10 : 5;
    for (let ms = 0; ms <= m.tauMs * 5 + 1e-9; ms += msStep) ctx.fillText(String(ms), ax.px(ms / m.tauMs), rect.y - 2);
    ctx.restore();
    for (const t of m.snapshots) ax.vline(t, { color: "#aab", dash: [3, 4] });
    ax.line(a.t, a.rI, { color: palette.i, width: 2 });
    ax.line(a.t, a.rE, { color: palette.e, width: 2 });
    ax.line(a.t, a.diff, { color: palette.diff, width: 2 });
    ax.line(a.t, a.sum, { color: palette.sum, width: 2.5 });
    ax.vline(this.t, { color: "#333", dash: [], width: 1.5 });
    for (const [n, c] of [["sum", palette.sum], ["diff", palette.diff], ["rE", palette.e], ["rI", palette.i]]) ax.dot(this.t, this.at(n), { color: c, r: 3.5 });
    legend(ctx, rect.x, font * 0.7, [
      { label: "sum rE+rI", color: palette.sum }, { label: "difference rE−rI", color: palette.diff },
      { label: "rE", color: palette.e }, { label: "rI", color: palette.i }], font, W);
  }

  drawPhase(ctx, W, H) {
    if (!this.frame) return;
    const a = this.frame.arrays, m = this.frame.header.meta;
    const font = this.phase.fontPx() * 0.85;
    const size = Math.min(W - font * 5, H - font * 4.5);
    const rect = { x: font * 4 + (W - font * 5 - size) / 2, y: font * 0.8, w: size, h: size };
    const [lo, hi] = extent([a.rE, a.rI], 0.12, [0]);
    const span = Math.max(Math.abs(lo), Math.abs(hi));
    const ax = new Axes(ctx, rect, { x: [-span, span], y: [-span, span], xlabel: "rE", ylabel: "rI", font });
    ax.draw({ zero: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(rect.x, rect.y, rect.w, rect.h); ctx.clip();
    const line = (v, color, dash) => {
      ctx.strokeStyle = color; ctx.lineWidth = 1.5; ctx.setLineDash(dash);
      ctx.beginPath(); ctx.moveTo(ax.px(-v[0] * span * 2), ax.py(-v[1] * span * 2)); ctx.lineTo(ax.px(v[0] * span * 2), ax.py(v[1] * span * 2)); ctx.stroke();
    };
    const EIG0 = "#8a5a00";
    line(m.eigvec2, palette.sum, [6, 4]);
    line(m.eigvec, EIG0, [2, 3]);
    // The key sits in the upper-left quadrant (rE < 0 < rI), which a
    // trajectory of this circuit rarely visits.
    ctx.setLineDash([]);
    legend(ctx, rect.x + font * 0.5, rect.y + font * 0.8, [{ label: "(1, 1): λ = −w₊", color: palette.sum, dash: [6, 4], width: 1.5 }], font);
    legend(ctx, rect.x + font * 0.5, rect.y + font * 2.1, [{ label: "(kI, 1): λ = 0", color: EIG0, dash: [2, 3], width: 1.5 }], font);
    ctx.restore();
    ax.line(a.rE, a.rI, { color: "#555", width: 2 });
    ax.dot(a.rE[0], a.rI[0], { color: "#fff", r: 4, stroke: "#333" });
    ax.dot(this.at("rE"), this.at("rI"), { color: "#333", r: 4.5 });
    this.phaseTitle.textContent = `eigenvectors ${m.angle.toFixed(1)}° apart`;
  }
}

export const mount = mountView(TwoPopView);
