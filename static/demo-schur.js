// Fig 4: the Schur basis. Draws what the server computed for
// W = U T_g Uᵀ: three node-link diagrams (eigenvalues only, the true Schur
// form T = Zᵀ W Z, its feed-forward part), the matrices W, T, Z as
// heatmaps, ‖r(t)‖ of the optimal initial pattern against the
// eigenvalue-only prediction, and the ε-pseudospectra of A = W − 1 as
// contours of the server's σ_min grid (contouring is drawing).
import { addPanel, mountView } from "./widget.js";
import {
  Surface, Axes, legend, palette, colormaps, cssColor, colorbar, bentArrow, selfLoop,
  matrix, contourSegments, richText, niceTicks,
  fmtNum,
} from "./plot.js";

const fmt = (v, d = 2) => fmtNum(v, d);
const POS = "#b2182b", NEG = "#2166ac"; // the ends of the diverging map
const EIG = "#8a5a00";                   // eigenvalue-only prediction
const lvlColor = (k, n) => cssColor(colormaps.viridis(0.05 + 0.8 * (n > 1 ? k / (n - 1) : 0)));


class SchurView {
  init(widget) {
    this.widget = widget;
    this.frame = null;
    this.t = null;
    const figs = widget.figs;
    figs.classList.add("schur-figs");
    figs.style.gridTemplateColumns = "minmax(0, 1fr) minmax(0, 1fr) minmax(0, 1fr)";
    figs.style.gridTemplateRows = "minmax(0, 0.72fr) minmax(0, 1.28fr)";
    figs.style.gridTemplateAreas = '"eig schur ff" "mats growth ps"';
    const e = addPanel(figs, "Eigenvector picture", "diag λ only", "eig");
    const s = addPanel(figs, "Schur basis", "T = Zᵀ W Z", "schur");
    this.schurHint = s.title.querySelector(".hint");
    const f = addPanel(figs, "Pure feed-forward", "T − diag T", "ff");
    const m = addPanel(figs, "Matrices", "W = Z T Zᵀ", "mats");
    const g = addPanel(figs, "Transient growth", "‖r(t)‖", "growth");
    const p = addPanel(figs, "ε-pseudospectra", "of A = W − 1", "ps");
    this.eig = new Surface(e.plot, (ctx, w, h) => this.drawGraph(ctx, w, h, "eig", this.eig));
    this.schur = new Surface(s.plot, (ctx, w, h) => this.drawGraph(ctx, w, h, "T", this.schur));
    this.ff = new Surface(f.plot, (ctx, w, h) => this.drawGraph(ctx, w, h, "Tff", this.ff));
    this.mats = new Surface(m.plot, (ctx, w, h) => this.drawMatrices(ctx, w, h));
    this.growth = new Surface(g.plot, (ctx, w, h) => this.drawGrowth(ctx, w, h));
    this.ps = new Surface(p.plot, (ctx, w, h) => this.drawPseudo(ctx, w, h));
    this.readline = document.createElement("div");
    this.readline.className = "readline";
    g.el.appendChild(this.readline);
    this.bindScrub(this.growth.canvas);
  }

  bindScrub(canvas) {
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "slider");
    canvas.setAttribute("aria-label", "time, in units of τ");
    const fromEvent = (ev) => {
      if (!this.ax) return;
      const r = canvas.getBoundingClientRect();
      this.scrub(this.ax.dataX(ev.clientX - r.left));
    };
    canvas.addEventListener("pointermove", fromEvent);
    canvas.addEventListener("pointerdown", (ev) => { canvas.setPointerCapture(ev.pointerId); fromEvent(ev); });
    canvas.addEventListener("pointerleave", (ev) => { if (ev.pointerType === "mouse") this.scrub(null); });
    canvas.addEventListener("keydown", (ev) => {
      const t = this.t ?? 0, step = ev.shiftKey ? 1 : 0.1;
      if (ev.key === "ArrowRight" || ev.key === "ArrowUp") this.scrub(t + step);
      else if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") this.scrub(t - step);
      else if (ev.key === "Home") this.scrub(0);
      else if (ev.key === "End") this.scrub(this.tEnd());
      else return;
      ev.preventDefault();
      ev.stopPropagation(); // arrows scrub here; they do not change slides
    });
  }

  tEnd() { const t = this.frame?.arrays.t; return t ? t[t.length - 1] : 10; }

  scrub(t) {
    this.t = t == null ? null : Math.min(this.tEnd(), Math.max(0, t));
    if (this.t == null) this.growth.canvas.removeAttribute("aria-valuenow");
    else this.growth.canvas.setAttribute("aria-valuenow", this.t.toFixed(2));
    this.growth.redraw();
    this.updateReadline();
  }

  draw(frame) {
    this.frame = frame;
    const m = frame.header.meta;
    const r0 = [...frame.arrays.r0].map((v) => fmt(v)).join(", ");
    this.r0Text = [`r(0) = (${r0})`, `optimal at t = ${fmt(m.patternT)}τ`];
    this.schurHint.textContent = `‖T − diag T‖ = ${fmt(m.departure, 3)}`;
    for (const s of [this.eig, this.schur, this.ff, this.mats, this.growth, this.ps]) s.redraw();
    this.updateReadline();
  }

  updateReadline() {
    if (!this.frame) return;
    const a = this.frame.arrays, m = this.frame.header.meta;
    if (this.t == null) {
      this.readline.textContent = m.gMax > 1.0005
        ? `G_max = ${fmt(m.gMax)} at ${fmt(m.tMax)}τ; λ alone: ≤ 1`
        : "no transient growth: ω(A) < 0";
      return;
    }
    const i = Math.round((this.t / this.tEnd()) * (a.t.length - 1));
    this.readline.textContent = `t = ${this.t.toFixed(2)}τ: ‖r‖ ${fmt(a.norm[i], 3)}  G ${fmt(a.envelope[i], 3)}  eig ${fmt(a.eigPred[i], 3)}`;
  }

  // scale is the largest |entry| of the Schur T: edge widths compare across
  // the three diagrams.
  edgeScale() {
    let s = 0;
    for (const v of this.frame.arrays.T) s = Math.max(s, Math.abs(v));
    return s || 1;
  }

  drawGraph(ctx, W, H, which, surface) {
    if (!this.frame) return;
    const a = this.frame.arrays, font = surface.fontPx() * 0.88;
    const n = 3;
    // entries to draw: [i][j] is the weight from node j to node i
    let M;
    if (which === "eig") {
      M = new Float32Array(9);
      for (let i = 0; i < n; i++) M[i * n + i] = a.eigRe[i];
    } else M = a[which];
    const scale = this.edgeScale();
    // Nodes left to right 3, 2, 1: feed-forward (j > i) flows rightwards.
    const R = Math.max(8, Math.min(W * 0.06, H * 0.11));
    const xs = [W * 0.82, W * 0.5, W * 0.18], y = H * 0.5;
    const maxBend = y - R * 0.8 - font * 1.4; // keep the top arc and its label inside
    const width = (v) => 0.8 + 7 * Math.min(1, Math.abs(v) / scale);
    const color = (v) => (v >= 0 ? POS : NEG);
    const labels = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = M[i * n + j];
        if (Math.abs(v) < 0.005) {
          if (i === j && which === "eig") labels.push([xs[i], y + R + font * 1.2, 0]);
          continue;
        }
        const wd = width(v), opts = { color: color(v), width: wd, head: 6 + wd };
        if (i === j) {
          const p = selfLoop(ctx, xs[i], y, R, Math.PI / 2, { ...opts, size: 0.6 });
          labels.push([p.x, p.y + font * 0.8, v]);
          continue;
        }
        const far = Math.abs(i - j) === 2;
        // forward edges arc above (bend left of the rightward travel),
        // backward ones (a 2×2 block's subdiagonal) below
        const dir = xs[i] > xs[j] ? 1 : -1;
        const bend = Math.min(maxBend, (far ? 0.4 : 0.16) * Math.abs(xs[i] - xs[j]));
        const off = R * 0.95;
        const x0 = xs[j] + dir * off * (far ? 0.6 : 1), x1 = xs[i] - dir * off * (far ? 0.6 : 1);
        const y0 = far ? y - R * 0.8 : y - R * 0.25 * dir, y1 = far ? y - R * 0.8 : y - R * 0.25 * dir;
        const p = bentArrow(ctx, x0, y0, x1, y1, bend, opts);
        labels.push([p.x, p.y - font * 0.75 * dir, v]);
      }
    }
    // nodes
    ctx.save();
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = "#fff"; ctx.strokeStyle = "#333"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(xs[i], y, R, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      ctx.fillStyle = "#111"; ctx.font = `600 ${Math.min(font * 1.15, R * 1.2)}px system-ui, sans-serif`;
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(String(i + 1), xs[i], y + 1);
    }
    // edge labels with a white halo
    ctx.font = `${font * 0.9}px ui-monospace, monospace`;
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)";
    for (const [x, yy, v] of labels) {
      ctx.fillStyle = color(v);
      ctx.strokeText(fmt(v), x, yy); ctx.fillText(fmt(v), x, yy);
    }
    ctx.fillStyle = palette.muted; ctx.font = `${font * 0.85}px system-ui, sans-serif`;
    ctx.textBaseline = "bottom";
    const caption = which === "eig" ? "nodes: eigenvectors · loops: λ · no arrows between modes"
      : which === "T" ? "nodes: Schur patterns (columns of Z) · loops: λ"
        : "the same patterns with every λ set to 0";
    ctx.fillText(caption, W / 2, H - 1);
    ctx.restore();
  }

  drawMatrices(ctx, W, H) {
    if (!this.frame) return;
    const a = this.frame.arrays, m = this.frame.header.meta, font = this.mats.fontPx() * 0.85;
    let s = 0;
    for (const v of [...a.W, ...a.T]) s = Math.max(s, Math.abs(v));
    s = s || 1;
    // two by two: W T | Z and the colour bars (W and T share one: similar
    // matrices, same units; Z is an orthogonal basis, entries in [−1, 1])
    const cb = font * 0.8, tick = font * 2.8, gap = font * 1.2, title = font * 1.5;
    const side = Math.max(24, Math.min((W - gap - cb - tick - font * 0.6) / 2, (H - 2 * title - gap * 0.6) / 2));
    const total = 2 * side + gap + font * 0.6 + cb + tick;
    const x0 = Math.max(0, (W - total) / 2), x1 = x0 + side + gap, xc = x1 + side + font * 0.6;
    const y0 = title, y1 = y0 + side + title + gap * 0.3;
    const digits = side / 3 > font * 3.1 ? 2 : 1;
    const dv = colormaps.diverging;
    matrix(ctx, { x: x0, y: y0, w: side, h: side }, a.W, 3, 3, dv, -s, s, { font, digits, title: "W (neurons)" });
    matrix(ctx, { x: x1, y: y0, w: side, h: side }, a.T, 3, 3, dv, -s, s, { font, digits, title: "T (Schur)" });
    colorbar(ctx, { x: xc, y: y0, w: cb, h: side }, dv, -s, s, { font: font * 0.9, ticks: niceTicks(-s, s, 4) });
    matrix(ctx, { x: x0, y: y1, w: side, h: side }, a.Z, 3, 3, dv, -1, 1, { font, digits, title: "Z (patterns)" });
    colorbar(ctx, { x: x0 + side + font * 0.6, y: y1, w: cb, h: side }, dv, -1, 1, { font: font * 0.9, ticks: [-1, 0, 1] });
    ctx.save();
    ctx.font = `${font * 0.9}px system-ui, sans-serif`; ctx.fillStyle = palette.muted;
    ctx.textAlign = "left"; ctx.textBaseline = "top";
    const tx = x0 + side + font * 0.6 + cb + tick;
    let ty = y1 + font * 0.2;
    for (const line of ["W = Z T Z^T", `‖W − Z T Z^T‖ = ${m.residual.toExponential(0)}`, `‖Z^T Z − 1‖ = ${m.orthogonality.toExponential(0)}`,
      "columns of Z: the", "Schur patterns"]) {
      richText(ctx, line, tx, ty);
      ty += font * 1.35;
    }
    ctx.restore();
  }

  drawGrowth(ctx, W, H) {
    if (!this.frame) return;
    const a = this.frame.arrays, m = this.frame.header.meta;
    const font = this.growth.fontPx() * 0.85;
    const rect = { x: font * 4.4, y: font * 3.6, w: W - font * 5.2, h: H - font * 6.6 };
    let hi = 1;
    for (const v of a.envelope) hi = Math.max(hi, v);
    const ax = new Axes(ctx, rect, { x: [0, this.tEnd()], y: [0, hi * 1.08], xlabel: "t / τ", ylabel: "‖r(t)‖", font });
    this.ax = ax;
    ax.draw();
    ax.line(a.t, a.envelope, { color: "#555", width: 1.3, dash: [3, 3] });
    ax.line(a.t, a.eigPred, { color: EIG, width: 2, dash: [7, 4] });
    ax.line(a.t, a.norm, { color: palette.sum, width: 2.6 });
    if (m.gMax > 1.0005) ax.dot(m.tMax, m.gMax, { color: palette.sum, r: 4 });
    ctx.save();
    ctx.font = `${font * 0.9}px system-ui, sans-serif`; ctx.fillStyle = palette.sum;
    ctx.textAlign = "right"; ctx.textBaseline = "top";
    this.r0Text.forEach((line, k) => ctx.fillText(line, rect.x + rect.w - 5, rect.y + 5 + k * font * 1.2));
    ctx.restore();
    if (this.t != null) {
      const i = Math.round((this.t / this.tEnd()) * (a.t.length - 1));
      ax.vline(a.t[i], { color: "#333", dash: [], width: 1.2 });
      ax.dot(a.t[i], a.norm[i], { color: palette.sum, r: 3.5 });
      ax.dot(a.t[i], a.eigPred[i], { color: EIG, r: 3 });
    }
    legend(ctx, rect.x, font * 0.7, [
      { label: "optimal r(0)", color: palette.sum },
      { label: "eigenvalues alone", color: EIG, dash: [7, 4] }], font);
    legend(ctx, rect.x, font * 2.1, [{ label: "G(t) = max over all r(0)", color: "#555", dash: [3, 3], width: 1.3 }], font);
  }

  drawPseudo(ctx, W, H) {
    if (!this.frame) return;
    const a = this.frame.arrays, m = this.frame.header.meta, win = m.window;
    const font = this.ps.fontPx() * 0.85;
    const cbw = font * 0.8, right = font * 3.4;
    const size = Math.max(40, Math.min(W - font * 4.8 - cbw - right, H - font * 4));
    const rect = { x: font * 4.4, y: font * 1.4, w: size, h: size };
    const ax = new Axes(ctx, rect, { x: [win.reMin, win.reMax], y: [win.imMin, win.imMax], xlabel: "Re z", ylabel: "Im z", font });
    ax.draw({ zero: true });
    // contours of log₁₀ σ_min: interpolating the logarithm follows the
    // nearly circular level sets near the eigenvalues better
    const nx = win.nx, ny = win.ny, logs = new Float32Array(a.ps.length);
    for (let i = 0; i < logs.length; i++) logs[i] = Math.log10(Math.max(a.ps[i], 1e-30));
    const gx = (c) => win.reMin + (c / (nx - 1)) * (win.reMax - win.reMin);
    const gy = (r) => win.imMin + (r / (ny - 1)) * (win.imMax - win.imMin);
    ctx.save();
    ctx.beginPath(); ctx.rect(rect.x, rect.y, rect.w, rect.h); ctx.clip();
    // imaginary axis: the stability boundary
    if (win.reMin < 0 && win.reMax > 0) {
      ctx.strokeStyle = "#222"; ctx.lineWidth = 1.2; ctx.setLineDash([5, 3]);
      ctx.beginPath(); ctx.moveTo(ax.px(0), rect.y); ctx.lineTo(ax.px(0), rect.y + rect.h); ctx.stroke();
      ctx.setLineDash([]);
    }
    const L = m.levels;
    L.forEach((lv, k) => {
      const seg = contourSegments(logs, nx, ny, lv);
      ctx.strokeStyle = lvlColor(k, L.length); ctx.lineWidth = 1.6;
      ctx.beginPath();
      for (let i = 0; i < seg.length; i += 4) {
        ctx.moveTo(ax.px(gx(seg[i])), ax.py(gy(seg[i + 1])));
        ctx.lineTo(ax.px(gx(seg[i + 2])), ax.py(gy(seg[i + 3])));
      }
      ctx.stroke();
    });
    // eigenvalues of A = W − 1
    for (let i = 0; i < a.eigRe.length; i++) {
      const x = ax.px(a.eigRe[i] - 1), y = ax.py(a.eigIm[i]), r = font * 0.45;
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y - r); ctx.stroke();
    }
    ctx.restore();
    ctx.save();
    ctx.font = `${font * 0.85}px system-ui, sans-serif`; ctx.fillStyle = "#222";
    ctx.textAlign = "left"; ctx.textBaseline = "top";
    if (win.reMin < 0 && win.reMax > 0) ctx.fillText("Re z = 0", ax.px(0) + 3, rect.y + 3);
    ctx.textBaseline = "bottom";
    ctx.fillText("× eigenvalues of A", rect.x + 4, rect.y + rect.h - 3);
    ctx.restore();
    // discrete colour bar of the levels
    const cb = { x: rect.x + rect.w + font * 0.8, y: rect.y + font * 1.2, w: cbw, h: rect.h - font * 1.2 };
    const lo = L[0] - 0.25, hi = L[L.length - 1] + 0.25;
    const step = (t) => {
      const v = lo + t * (hi - lo);
      let k = 0;
      for (let j = 0; j < L.length; j++) if (Math.abs(L[j] - v) < Math.abs(L[k] - v)) k = j;
      return colormaps.viridis(0.05 + 0.8 * (k / (L.length - 1)));
    };
    colorbar(ctx, cb, step, lo, hi, { font: font * 0.9, ticks: L.filter((v) => Number.isInteger(v)) });
    ctx.save();
    ctx.font = `${font * 0.9}px system-ui, sans-serif`; ctx.fillStyle = palette.axis;
    ctx.textAlign = "left"; ctx.textBaseline = "bottom";
    ctx.fillText("log₁₀ ε", cb.x - 2, cb.y - 3);
    ctx.restore();
  }
}

export const mount = mountView(SchurView);
