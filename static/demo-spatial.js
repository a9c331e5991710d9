// Fig 3: the spatial network. Draws what the server computed for the n×n
// torus: the orientation map, the evoked map, the spectrum of W_E + W_I
// (bars coloured by each mode's projection on the map space), mode k's
// response to a difference-mode pulse (σ, δ, r_E, r_I: each the mode's
// pattern v_k times its amplitude, on one colour scale), and, while Play
// is pressed, the streamed spontaneous activity (r_E, r_I) with the
// correlation of each frame with the evoked map and the running
// map-vs-random variance ratio. Hover or touch an image to read values.
import { addPanel, mountView } from "./widget.js";
import {
  Surface, Axes, legend, palette, colormaps, cssColor, colorbar, niceTicks, richText,
  labelledImage, symmetricRange, fitImage, image,
  fmtNum,
} from "./plot.js";

const fmt = (v, d = 2) => fmtNum(v, d);

// yLabel writes a rotated axis label (rich text: r_E) left of rect.
function yLabel(ctx, rect, text, font) {
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`; ctx.fillStyle = palette.axis;
  ctx.translate(rect.x - font * 2.9, rect.y + rect.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  richText(ctx, text, 0, 0);
  ctx.restore();
}


class SpatialView {
  init(widget) {
    this.widget = widget;
    this.static = null;   // the last frame with the static arrays
    this.movie = null;    // the last movie frame
    this.movieScale = 0;  // colour scale of the movie (smoothed 3 × RMS)
    this.hits = {};       // canvas name → [{rect, nx, ny, read(i)}] for hover read-outs
    const figs = widget.figs;
    figs.classList.add("spatial-figs");
    figs.style.gridTemplateColumns = "repeat(4, minmax(0, 1fr))";
    figs.style.gridTemplateRows = "minmax(0, 1fr) minmax(0, 0.9fr) minmax(0, 1.1fr) auto";
    figs.style.gridTemplateAreas = '"theta evoked spec spec" "mode mode mode mode" "movie movie hist hist" "read read read read"';
    const th = addPanel(figs, "Orientation map θ", "", "theta");
    const ev = addPanel(figs, "Evoked map", "0° stimulus", "evoked");
    const sp = addPanel(figs, "Spectrum of W<sub>E</sub> + W<sub>I</sub>", "w<sub>FF,k</sub> = wμ<sub>k</sub>(1 + k<sub>I</sub>) · click a bar", "spec");
    const mo = addPanel(figs, "Mode k after a difference pulse", "", "mode");
    const mv = addPanel(figs, "Spontaneous activity", "press Play", "movie");
    const hi = addPanel(figs, "Map-likeness over time", "", "hist");
    this.thetaHint = th.hint; this.modeTitle = mo.el.querySelector(".panel-title");
    this.movieHint = mv.hint; this.histHint = hi.hint;
    this.theta = new Surface(th.plot, (ctx, w, h) => this.drawMap(ctx, w, h, "theta"));
    this.evoked = new Surface(ev.plot, (ctx, w, h) => this.drawMap(ctx, w, h, "evoked"));
    this.spec = new Surface(sp.plot, (ctx, w, h) => this.drawSpectrum(ctx, w, h));
    this.mode = new Surface(mo.plot, (ctx, w, h) => this.drawMode(ctx, w, h));
    this.movieS = new Surface(mv.plot, (ctx, w, h) => this.drawMovie(ctx, w, h));
    this.hist = new Surface(hi.plot, (ctx, w, h) => this.drawHistory(ctx, w, h));
    this.staticSurfaces = [this.theta, this.evoked, this.spec, this.mode];
    this.readline = document.createElement("div");
    this.readline.className = "readline";
    this.readline.style.gridArea = "read";
    this.readline.textContent = "Hover or touch an image, or Tab to it and use the arrow keys, to read its values.";
    figs.appendChild(this.readline);
    this.progressEl = document.createElement("div");
    this.progressEl.className = "spatial-progress";
    this.progressEl.hidden = true;
    this.progressEl.innerHTML = '<div class="bar"><div></div></div><span></span>';
    figs.appendChild(this.progressEl);
    for (const [name, s] of [["theta", this.theta], ["evoked", this.evoked], ["mode", this.mode], ["movie", this.movieS]]) this.bindHover(s.canvas, name);
    this.bindSpectrumClick(this.spec.canvas);
    this.bindPlayButton();
  }

  // The Play toggle says what pressing it does.
  bindPlayButton() {
    const b = this.widget.inputs.play?.input;
    if (!b) return;
    const sync = () => {
      const on = b.getAttribute("aria-pressed") === "true";
      b.textContent = on ? "❚❚ Pause the movie" : "▶ Play the movie";
      b.classList.toggle("playing", on);
    };
    new MutationObserver(sync).observe(b, { attributes: true, attributeFilter: ["aria-pressed"] });
    sync();
  }

  bindSpectrumClick(canvas) {
    canvas.addEventListener("click", (ev) => {
      if (!this.specAxes || !this.static) return;
      const r = canvas.getBoundingClientRect();
      const k = Math.round(this.specAxes.dataX(ev.clientX - r.left));
      if (k >= 1 && k <= this.static.arrays.wFF.length && k !== this.widget.params.mode) this.widget.set("mode", k, true);
    });
  }

  bindHover(canvas, name) {
    const read = (ev) => {
      const r = canvas.getBoundingClientRect(), x = ev.clientX - r.left, y = ev.clientY - r.top;
      for (const h of this.hits[name] || []) {
        const { rect, nx, ny } = h;
        if (x < rect.x || y < rect.y || x >= rect.x + rect.w || y >= rect.y + rect.h) continue;
        const ix = Math.floor(((x - rect.x) / rect.w) * nx), iy = Math.floor(((y - rect.y) / rect.h) * ny);
        this.readline.textContent = h.read(iy * nx + ix, ix, iy);
        return;
      }
    };
    canvas.addEventListener("pointermove", read);
    canvas.addEventListener("pointerdown", read);
    // Keyboard: Tab to an image, arrows move a cursor site by site (with
    // Shift, by 4), Tab-switching between the images of one canvas with
    // PageUp/PageDown; the read-out line shows the site's values.
    canvas.tabIndex = 0;
    canvas.setAttribute("aria-label", `${name} images: arrow keys read values site by site`);
    const cur = { img: 0, ix: 0, iy: 0 };
    canvas.addEventListener("keydown", (ev) => {
      const hs = this.hits[name] || [];
      if (!hs.length) return;
      const step = ev.shiftKey ? 4 : 1;
      switch (ev.key) {
        case "ArrowLeft": cur.ix -= step; break;
        case "ArrowRight": cur.ix += step; break;
        case "ArrowUp": cur.iy -= step; break;
        case "ArrowDown": cur.iy += step; break;
        case "PageUp": cur.img = (cur.img + hs.length - 1) % hs.length; break;
        case "PageDown": cur.img = (cur.img + 1) % hs.length; break;
        default: return;
      }
      ev.preventDefault();
      ev.stopPropagation(); // the keys read the image here; they do not turn the page
      const h = hs[Math.min(cur.img, hs.length - 1)];
      cur.ix = (cur.ix % h.nx + h.nx) % h.nx; // the torus wraps
      cur.iy = (cur.iy % h.ny + h.ny) % h.ny;
      this.readline.textContent = h.read(cur.iy * h.nx + cur.ix, cur.ix, cur.iy);
    });
  }

  progress(frame) {
    const h = frame.header, frac = h.progress || 0;
    this.progressEl.hidden = false;
    this.progressEl.querySelector(".bar > div").style.width = `${(100 * frac).toFixed(1)}%`;
    this.progressEl.querySelector("span").textContent = h.message || `Computing modes… ${Math.round(100 * frac)}%`;
    this.widget.figs.classList.add("stale");
  }

  draw(frame) {
    this.progressEl.hidden = true;
    this.widget.figs.classList.remove("stale");
    const m = frame.header.meta;
    if (frame.arrays.theta) {
      if (this.static && this.static.header.meta.n !== m.n) { this.movie = null; this.movieScale = 0; }
      this.static = frame;
      this.updateStatic();
      for (const s of this.staticSurfaces) s.redraw();
    }
    if (frame.arrays.rE) {
      if (this.movie && this.movie.header.meta.movieModes !== m.movieModes) this.movieScale = 0;
      this.movie = frame;
      this.updateScale(frame);
      // Movie frames share their parameters' seq: count them for scripts.
      const figs = this.widget.figs;
      figs.dataset.movieFrames = String((+figs.dataset.movieFrames || 0) + 1);
      figs.dataset.movieT = m.t.toFixed(2);
    }
    this.updateMovieText(m);
    this.movieS.redraw();
    this.hist.redraw();
  }

  updateStatic() {
    const m = this.static.header.meta, a = this.static.arrays;
    this.thetaHint.textContent = `${m.n}×${m.n}`;
    const k = m.mode, p = m.pulse;
    this.modeTitle.innerHTML = `Mode ${k}: sum, difference, E and I <span class="hint">pulse δ(0) = v<sub>${k}</sub>; at σ's peak t = ${fmt(p.t)}τ: one pattern, σ amplified, δ decayed</span>`;
    // The mode selector shows each mode's w_FF,k.
    const sel = this.widget.inputs.mode?.input;
    if (sel) {
      for (const o of sel.options) {
        const j = +o.value - 1;
        if (j < a.wFF.length) o.textContent = `mode ${j + 1} · w_FF = ${fmt(a.wFF[j])}${a.mapProj[j] > 0.9 ? " · map" : ""}`;
      }
    }
  }

  updateMovieText(m) {
    const playing = !!this.widget.params.play;
    if (this.movie) {
      const mm = this.movie.header.meta;
      const res = mm.movieBlock > 1 ? ` · ${mm.movieBlock}×${mm.movieBlock} means` : "";
      const what = mm.movieModes ? "top modes" : "all activity";
      this.movieHint.textContent = `${playing ? "" : "paused · "}${what} · t = ${fmt(mm.t, 1)}τ · ${mm.dtFrame}τ/frame${res}`;
      this.histHint.textContent = `exact ${fmt(mm.ratioMap)}× · running: ${mm.steps} frames`;
    } else {
      this.movieHint.textContent = playing ? "starting…" : "press Play";
      this.histHint.textContent = m?.ratioMap ? `exact map/random ratio ${fmt(m.ratioMap)}×` : "";
    }
  }

  updateScale(frame) {
    const { rE, rI } = frame.arrays;
    let s2 = 0;
    for (const v of rE) s2 += v * v;
    for (const v of rI) s2 += v * v;
    const target = 3 * Math.sqrt(s2 / (rE.length + rI.length)) || 1;
    this.movieScale = this.movieScale ? 0.9 * this.movieScale + 0.1 * target : target;
  }

  font(s) { return s.fontPx() * 0.9; }

  // drawMap draws the orientation map or the evoked map with its colour bar.
  drawMap(ctx, W, H, which) {
    if (!this.static) return;
    const a = this.static.arrays, n = this.static.header.meta.n, font = this.font(this.theta);
    const cbw = font * 0.9, room = font * 3.6;
    const r = fitImage({ x: 2, y: font * 0.6, w: W - room - cbw - 4, h: H - font * 1.2 }, n, n);
    let cmap, lo, hi, opts;
    if (which === "theta") {
      cmap = colormaps.cyclic; lo = 0; hi = 180;
      opts = { ticks: [0, 45, 90, 135, 180], label: "θ (°)" };
    } else {
      cmap = colormaps.diverging; [lo, hi] = symmetricRange([a.evoked]);
      opts = { ticks: niceTicks(lo, hi, 4), label: "r_E" };
    }
    const data = which === "theta" ? a.theta : a.evoked;
    image(ctx, r, data, n, n, cmap, lo, hi);
    ctx.save(); ctx.strokeStyle = palette.axis; ctx.strokeRect(Math.round(r.x) + 0.5, Math.round(r.y) + 0.5, Math.round(r.w) - 1, Math.round(r.h) - 1); ctx.restore();
    colorbar(ctx, { x: r.x + r.w + font * 0.6, y: r.y + font * 0.9, w: cbw, h: r.h - font * 0.9 }, cmap, lo, hi, { font: font * 0.85, ...opts, label: "" });
    ctx.save(); ctx.font = `${font * 0.85}px system-ui, sans-serif`; ctx.fillStyle = palette.axis; ctx.textAlign = "left"; ctx.textBaseline = "top";
    richText(ctx, opts.label, r.x + r.w + font * 0.4, r.y - font * 0.5); ctx.restore();
    const st = this.static;
    this.hits[which] = [{
      rect: r, nx: n, ny: n,
      read: (i, x, y) => `site (x ${x}, y ${y}): θ = ${fmt(st.arrays.theta[i], 1)}° · evoked r_E ${fmt(st.arrays.evoked[i], 3)} · v_${st.header.meta.mode} ${fmt(st.arrays.mode[i], 4)}`,
    }];
  }

  // drawSpectrum draws w_FF,k of the computed modes as bars coloured by the
  // mode's map projection, mode k outlined.
  drawSpectrum(ctx, W, H) {
    if (!this.static) return;
    const a = this.static.arrays, m = this.static.header.meta, font = this.font(this.spec);
    const K = a.wFF.length, cbw = font * 0.9;
    const rect = { x: font * 4.0, y: font * 1.4, w: W - font * 4.0 - font * 6.2, h: H - font * 4.4 };
    let top = 0;
    for (const v of a.wFF) top = Math.max(top, v);
    top = Math.max(1, top * 1.15);
    const ax = new Axes(ctx, rect, { x: [0.4, K + 0.6], y: [0, top], xlabel: "mode k", font });
    this.specAxes = ax;
    ax.draw({ xticks: Array.from({ length: K }, (_, i) => i + 1) });
    yLabel(ctx, rect, "w_{FF,k}", font);
    const bw = (rect.w / (K + 0.2)) * 0.62;
    ctx.save();
    ctx.font = `${font * 0.85}px system-ui, sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    for (let i = 0; i < K; i++) {
      const x = ax.px(i + 1), y = ax.py(a.wFF[i]);
      ctx.fillStyle = cssColor(colormaps.viridis(a.mapProj[i]));
      ctx.fillRect(x - bw / 2, y, bw, ax.py(0) - y);
      if (i + 1 === m.mode) {
        ctx.strokeStyle = "#000"; ctx.lineWidth = 2.5;
        ctx.strokeRect(x - bw / 2 - 1.5, y - 1.5, bw + 3, ax.py(0) - y + 1.5);
        ctx.fillStyle = "#000"; ctx.font = `600 ${font * 0.9}px system-ui, sans-serif`;
        ctx.fillText(fmt(a.wFF[i]), x, y - 3);
        ctx.font = `${font * 0.85}px system-ui, sans-serif`;
      }
    }
    // the balance line: w_FF = 1 would be the gain of a single neuron
    ctx.restore();
    const cb = { x: rect.x + rect.w + font * 1.4, y: rect.y, w: cbw, h: rect.h };
    colorbar(ctx, cb, colormaps.viridis, 0, 1, { font: font * 0.85, ticks: [0, 0.5, 1] });
    ctx.save(); ctx.font = `${font * 0.85}px system-ui, sans-serif`; ctx.fillStyle = palette.axis;
    ctx.translate(cb.x + cbw + font * 2.9, cb.y + cb.h / 2); ctx.rotate(Math.PI / 2);
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText("map projection", 0, 0);
    ctx.restore();
  }

  // drawMode draws σ, δ, r_E and r_I of mode k at the sum's peak after a
  // difference pulse, on one colour scale, and the amplitudes over time.
  drawMode(ctx, W, H) {
    if (!this.static) return;
    const a = this.static.arrays, m = this.static.header.meta, n = m.n, p = m.pulse, font = this.font(this.mode);
    const k = m.mode;
    const parts = [
      { cap: `σ = ${fmt(p.sigma)}·v_${k}`, amp: p.sigma, color: palette.sum, name: "σ" },
      { cap: `δ = ${fmt(p.delta)}·v_${k}`, amp: p.delta, color: palette.diff, name: "δ" },
      { cap: `r_E = ${fmt(p.rE)}·v_${k}`, amp: p.rE, color: palette.e, name: "r_E" },
      { cap: `r_I = ${fmt(p.rI)}·v_${k}`, amp: p.rI, color: palette.i, name: "r_I" },
    ];
    for (const q of parts) q.data = a.mode.map((v) => v * q.amp);
    const [lo, hi] = symmetricRange(parts.map((q) => q.data));
    // Wide: the four images in a row, the time course to their right.
    // Narrow: a 2×2 block of images above the time course.
    const wide = W > H * 2.4;
    const cbRoom = font * 4.4;
    const tcW = wide ? Math.min(W * 0.34, H * 2.2) : W;
    const cols = wide ? 4 : 2, rows = 4 / cols;
    const imgArea = wide ? { x: 0, y: 0, w: W - tcW - cbRoom, h: H } : { x: 0, y: 0, w: W - cbRoom, h: H * 0.62 };
    const tile = imgArea.w / cols, tileH = imgArea.h / rows;
    this.hits.mode = [];
    let bottom = 0, right = 0, topImg = Infinity;
    for (let i = 0; i < 4; i++) {
      const q = parts[i], cx = i % cols, cy = Math.floor(i / cols);
      const r = labelledImage(ctx, { x: imgArea.x + cx * tile + 3, y: imgArea.y + cy * tileH, w: tile - 8, h: tileH - 4 }, q.data, n, n, colormaps.diverging, lo, hi,
        { caption: q.cap, font: font * 0.95, color: q.color });
      if (!r) continue;
      bottom = Math.max(bottom, r.y + r.h); right = Math.max(right, r.x + r.w); topImg = Math.min(topImg, r.y);
      this.hits.mode.push({ rect: r, nx: n, ny: n, read: (j, x, y) => `mode ${k}, site (x ${x}, y ${y}): v_${k} = ${fmt(a.mode[j], 4)} · ${q.name} = ${fmt(q.data[j], 4)}` });
    }
    if (bottom > 0) colorbar(ctx, { x: right + font * 0.7, y: topImg, w: font * 0.9, h: bottom - topImg }, colormaps.diverging, lo, hi, { font: font * 0.85, ticks: niceTicks(lo, hi, 4) });
    // amplitudes over time
    const t = a.pulseT, sg = a.pulseSigma, dl = a.pulseDelta;
    const tr = wide
      ? { x: W - tcW + font * 3.4, y: font * 1.6, w: tcW - font * 4.0, h: H - font * 4.2 }
      : { x: font * 3.4, y: H * 0.62 + font * 2.0, w: W - font * 4.2, h: H * 0.38 - font * 4.6 };
    if (tr.h < font * 2 || tr.w < font * 4) return;
    let ymax = 1;
    for (const v of sg) ymax = Math.max(ymax, v);
    const ax = new Axes(ctx, tr, { x: [0, t[t.length - 1]], y: [0, ymax * 1.1], xlabel: "t / τ", font: font * 0.9 });
    ax.draw();
    yLabel(ctx, tr, "amplitude", font * 0.9);
    ax.vline(p.t, { color: "#555", dash: [3, 3] });
    ax.line(t, dl, { color: palette.diff, width: 1.8 });
    ax.line(t, sg, { color: palette.sum, width: 2.4 });
    legend(ctx, tr.x, tr.y - font * 0.9, [{ label: "σ (sum)", color: palette.sum }, { label: "δ (difference)", color: palette.diff }], font * 0.85);
  }

  // drawMovie draws the streamed r_E and r_I frames on one colour scale.
  drawMovie(ctx, W, H) {
    const font = this.font(this.movieS);
    this.hits.movie = [];
    if (!this.movie) {
      ctx.save();
      ctx.fillStyle = palette.muted; ctx.font = `${font}px system-ui, sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(this.widget.params.play ? "starting the movie…" : "Press ▶ Play to stream spontaneous activity", W / 2, H / 2);
      ctx.restore();
      return;
    }
    const a = this.movie.arrays, m = this.movie.header.meta, side = m.movieN, S = this.movieScale || 1;
    const cbRoom = font * 4.4, tile = (W - cbRoom) / 2;
    let bottom = 0, right = 0, topImg = Infinity;
    const parts = [["r_E", a.rE, palette.e], ["r_I", a.rI, palette.i]];
    for (let i = 0; i < 2; i++) {
      const [cap, data, color] = parts[i];
      const r = labelledImage(ctx, { x: i * tile + 3, y: 0, w: tile - 8, h: H - 2 }, data, side, side, colormaps.diverging, -S, S, { caption: cap, font: font * 0.95, color });
      if (!r) continue;
      bottom = Math.max(bottom, r.y + r.h); right = Math.max(right, r.x + r.w); topImg = Math.min(topImg, r.y);
      this.hits.movie.push({ rect: r, nx: side, ny: side, read: (j, x, y) => `movie t = ${fmt(m.t, 1)}τ, ${m.movieBlock > 1 ? "block" : "site"} (x ${x}, y ${y}): ${cap.replace("_", "")} = ${fmt(data[j], 3)}` });
    }
    if (bottom > 0) colorbar(ctx, { x: right + font * 0.7, y: topImg, w: font * 0.9, h: bottom - topImg }, colormaps.diverging, -S, S, { font: font * 0.85, ticks: niceTicks(-S, S, 4) });
  }

  // drawHistory draws the correlation of each frame with the evoked map and
  // the running map-vs-random variance ratio against its exact value.
  drawHistory(ctx, W, H) {
    const font = this.font(this.hist) * 0.9;
    const exact = (this.movie || this.static)?.header.meta.ratioMap;
    const a = this.movie?.arrays;
    const t = a?.histT || [], c = a?.histCorr || [], r = a?.histRatio || [];
    const t1 = t.length ? t[t.length - 1] : 1, t0 = t.length ? Math.min(t[0], t1 - 1) : 0;
    const gap = font * 1.2, left = font * 4.2;
    const h1 = (H - gap - font * 3.4) / 2;
    if (h1 < font * 2) return;
    let cm = 0.25;
    for (const v of c) cm = Math.max(cm, Math.abs(v));
    const r1 = { x: left, y: font * 0.5, w: W - left - font * 0.8, h: h1 };
    const ax1 = new Axes(ctx, r1, { x: [t0, t1], y: [-cm * 1.05, cm * 1.05], font });
    ax1.draw({ xticks: [] });
    yLabel(ctx, r1, "corr", font);
    if (t.length > 1) ax1.line(t, c, { color: palette.e, width: 1.5 });
    ctx.save(); ctx.font = `${font}px system-ui, sans-serif`; ctx.fillStyle = palette.muted; ctx.textAlign = "left"; ctx.textBaseline = "top";
    richText(ctx, "corr(r_E frame, evoked map)", r1.x + 4, r1.y + 2); ctx.restore();
    let rm = (exact || 1) * 1.5;
    for (const v of r) rm = Math.max(rm, v);
    const r2 = { x: left, y: r1.y + h1 + gap, w: r1.w, h: h1 };
    const ax2 = new Axes(ctx, r2, { x: [t0, t1], y: [0, rm * 1.05], xlabel: "t / τ (movie time)", font });
    ax2.draw();
    yLabel(ctx, r2, "ratio", font);
    if (exact) {
      ctx.save(); ctx.strokeStyle = palette.sum; ctx.setLineDash([5, 4]); ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(r2.x, ax2.py(exact)); ctx.lineTo(r2.x + r2.w, ax2.py(exact)); ctx.stroke(); ctx.restore();
    }
    if (t.length > 1) ax2.line(t, r, { color: palette.diff, width: 1.8 });
    legend(ctx, r2.x + 4, r2.y + font * 0.8, [{ label: "running", color: palette.diff }, { label: `exact ${exact ? fmt(exact) : ""}`, color: palette.sum, dash: [5, 4] }], font);
  }
}

export const mount = mountView(SpatialView);
