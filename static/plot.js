// A small canvas plotting module shared by every widget: HiDPI surfaces
// that redraw on resize, axes with nice ticks, lines, images with colour
// bars, legends and colour maps. It draws; it never computes a model.

export const palette = {
  e: "#1a9641", i: "#d7301f", sum: "#2166ac", diff: "#111111",
  axis: "#444", grid: "#e6e8eb", muted: "#6b7075", accent: "#2166ac",
};

// Surface is a canvas filling its container, sized in CSS pixels and
// drawn at devicePixelRatio; draw(ctx, w, h) is called on every resize.
export class Surface {
  constructor(container, draw) {
    this.container = container;
    this.canvas = document.createElement("canvas");
    container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d");
    this.draw = draw;
    this.w = 0; this.h = 0;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
  }
  resize() {
    const r = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width)), h = Math.max(1, Math.round(r.height));
    if (w === this.w && h === this.h && this.dpr === dpr) return;
    this.w = w; this.h = h; this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.redraw();
  }
  redraw() {
    if (!this.w) return;
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.w, this.h);
    this.draw(ctx, this.w, this.h);
  }
  // fontPx is the container's font size, so plots scale with the slide.
  fontPx() { return parseFloat(getComputedStyle(this.container).fontSize) || 13; }
}

// niceTicks returns about n round numbers spanning [lo, hi].
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

// fmtNum formats v with d decimals and a typographic minus, never "−0.00".
export function fmtNum(v, d = 2) {
  return (Math.abs(v) < 0.5 * 10 ** -d ? 0 : v).toFixed(d).replace("-", "−");
}

// fmt formats a tick value with as few decimals as its step needs.
export function fmtTick(v, step) {
  const d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(d, 6)).replace("-", "−");
}

// Axes maps data to pixels inside a margin and draws the frame.
export class Axes {
  constructor(ctx, rect, { x, y, xlabel = "", ylabel = "", font = 12 }) {
    Object.assign(this, { ctx, rect, x, y, xlabel, ylabel, font });
  }
  px(v) { return this.rect.x + (v - this.x[0]) / (this.x[1] - this.x[0]) * this.rect.w; }
  py(v) { return this.rect.y + this.rect.h - (v - this.y[0]) / (this.y[1] - this.y[0]) * this.rect.h; }
  dataX(px) { return this.x[0] + (px - this.rect.x) / this.rect.w * (this.x[1] - this.x[0]); }
  draw({ grid = true, zero = true, xticks, yticks } = {}) {
    const { ctx, rect, font } = this;
    xticks = xticks || niceTicks(this.x[0], this.x[1], Math.max(2, Math.floor(rect.w / (font * 5))));
    yticks = yticks || niceTicks(this.y[0], this.y[1], Math.max(2, Math.floor(rect.h / (font * 2.6))));
    ctx.save();
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.lineWidth = 1;
    if (grid) {
      ctx.strokeStyle = palette.grid;
      ctx.beginPath();
      for (const t of yticks) { const y = Math.round(this.py(t)) + 0.5; ctx.moveTo(rect.x, y); ctx.lineTo(rect.x + rect.w, y); }
      ctx.stroke();
    }
    if (zero && this.y[0] < 0 && this.y[1] > 0) {
      ctx.strokeStyle = "#b9bdc2";
      ctx.beginPath(); const y = Math.round(this.py(0)) + 0.5; ctx.moveTo(rect.x, y); ctx.lineTo(rect.x + rect.w, y); ctx.stroke();
    }
    ctx.strokeStyle = palette.axis;
    ctx.strokeRect(Math.round(rect.x) + 0.5, Math.round(rect.y) + 0.5, Math.round(rect.w), Math.round(rect.h));
    ctx.fillStyle = palette.axis;
    const xs = xticks.length > 1 ? xticks[1] - xticks[0] : 1;
    const ys = yticks.length > 1 ? yticks[1] - yticks[0] : 1;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const t of xticks) {
      const x = this.px(t);
      ctx.fillRect(Math.round(x), rect.y + rect.h, 1, 4);
      ctx.fillText(fmtTick(t, xs), x, rect.y + rect.h + 5);
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const t of yticks) {
      const y = this.py(t);
      ctx.fillRect(rect.x - 4, Math.round(y), 4, 1);
      ctx.fillText(fmtTick(t, ys), rect.x - 6, y);
    }
    if (this.xlabel) {
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.fillText(this.xlabel, rect.x + rect.w / 2, rect.y + rect.h + font + 8);
    }
    if (this.ylabel) {
      ctx.translate(rect.x - font * 3.2, rect.y + rect.h / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center"; ctx.textBaseline = "bottom";
      ctx.fillText(this.ylabel, 0, 0);
    }
    ctx.restore();
  }
  // line draws y against x (typed arrays or arrays), clipped to the frame.
  line(x, y, { color = "#000", width = 2, dash = null } = {}) {
    const { ctx, rect } = this;
    ctx.save();
    ctx.beginPath(); ctx.rect(rect.x, rect.y, rect.w, rect.h); ctx.clip();
    ctx.strokeStyle = color; ctx.lineWidth = width; ctx.lineJoin = "round";
    if (dash) ctx.setLineDash(dash);
    ctx.beginPath();
    for (let i = 0; i < x.length; i++) {
      const X = this.px(x[i]), Y = this.py(y[i]);
      if (i === 0) ctx.moveTo(X, Y); else ctx.lineTo(X, Y);
    }
    ctx.stroke();
    ctx.restore();
  }
  vline(xv, { color = "#888", dash = [4, 4], width = 1 } = {}) {
    const { ctx, rect } = this;
    ctx.save(); ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash || []);
    ctx.beginPath(); const X = Math.round(this.px(xv)) + 0.5; ctx.moveTo(X, rect.y); ctx.lineTo(X, rect.y + rect.h); ctx.stroke();
    ctx.restore();
  }
  dot(xv, yv, { color = "#000", r = 4, stroke = "#fff" } = {}) {
    const { ctx } = this;
    ctx.save(); ctx.fillStyle = color; ctx.strokeStyle = stroke; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.arc(this.px(xv), this.py(yv), r, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.restore();
  }
}

// extent returns [min, max] over several arrays, padded by frac.
export function extent(arrays, frac = 0.06, include = []) {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; }
  for (const v of include) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!isFinite(lo)) return [0, 1];
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * frac;
  return [lo - pad, hi + pad];
}

// legend draws coloured line samples with labels in a row from (x, y),
// wrapping onto a new row below when an item would pass maxX.
export function legend(ctx, x, y, items, font = 12, maxX = Infinity) {
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.textBaseline = "middle"; ctx.textAlign = "left";
  const x0 = x;
  for (const it of items) {
    const wItem = font * 2.4 + ctx.measureText(it.label).width;
    if (x > x0 && x + wItem > maxX) { x = x0; y += font * 1.3; }
    ctx.strokeStyle = it.color; ctx.lineWidth = it.width || 2.5;
    ctx.setLineDash(it.dash || []);
    ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + font * 1.4, y); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = palette.axis;
    ctx.fillText(it.label, x + font * 1.8, y);
    x += font * 2.4 + ctx.measureText(it.label).width + font;
  }
  ctx.restore();
}

// Colour maps: each takes t in [0, 1] and returns [r, g, b] in 0…255.
const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
const DIVERGING = [[5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240],
  [247, 247, 247], [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
function lerpTable(table, t) {
  t = Math.min(1, Math.max(0, t)) * (table.length - 1);
  const i = Math.min(table.length - 2, Math.floor(t)), f = t - i;
  const a = table[i], b = table[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}
export const colormaps = {
  viridis: (t) => lerpTable(VIRIDIS, t),
  diverging: (t) => lerpTable(DIVERGING, t), // blue (0) – white (0.5) – red (1)
  // cyclic: a perceptually even hue wheel for orientation (t and t+1 agree).
  cyclic: (t) => {
    const a = 2 * Math.PI * (t - Math.floor(t));
    const L = 0.72, C = 0.12; // OKLab lightness and chroma
    const A = C * Math.cos(a), B = C * Math.sin(a);
    const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
    const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
    const s = (L - 0.0894841775 * A - 1.2914855480 * B) ** 3;
    const lin = [4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
      -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
      -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s];
    return lin.map((c) => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(Math.max(c, 0), 1 / 2.4) - 0.055));
  },
};
export function cssColor(rgb) {
  return `rgb(${rgb.map((c) => Math.round(Math.min(255, Math.max(0, c)))).join(",")})`;
}

// image draws an ny×nx array (row-major, row 0 at the top) into rect with
// the colour map over [lo, hi], pixels crisp.
export function image(ctx, rect, data, nx, ny, cmap, lo, hi) {
  const off = document.createElement("canvas");
  off.width = nx; off.height = ny;
  const octx = off.getContext("2d");
  const img = octx.createImageData(nx, ny);
  const span = hi - lo || 1;
  for (let i = 0; i < nx * ny; i++) {
    const c = cmap((data[i] - lo) / span);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  octx.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, rect.x, rect.y, rect.w, rect.h);
  ctx.restore();
}

// colorbar draws a vertical colour bar with ticks and an optional label.
export function colorbar(ctx, rect, cmap, lo, hi, { label = "", font = 11, ticks } = {}) {
  const n = 64;
  for (let i = 0; i < n; i++) {
    ctx.fillStyle = cssColor(cmap(1 - i / (n - 1)));
    ctx.fillRect(rect.x, rect.y + (i * rect.h) / n, rect.w, rect.h / n + 1);
  }
  ctx.save();
  ctx.strokeStyle = palette.axis; ctx.lineWidth = 1;
  ctx.strokeRect(rect.x + 0.5, rect.y + 0.5, rect.w, rect.h);
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.fillStyle = palette.axis; ctx.textAlign = "left"; ctx.textBaseline = "middle";
  ticks = ticks || niceTicks(lo, hi, 4);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  for (const t of ticks) {
    const y = rect.y + rect.h * (1 - (t - lo) / (hi - lo || 1));
    ctx.fillRect(rect.x + rect.w, Math.round(y), 3, 1);
    ctx.fillText(fmtTick(t, step), rect.x + rect.w + 5, y);
  }
  if (label) {
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText(label, rect.x + rect.w / 2, rect.y - 3);
  }
  ctx.restore();
}

// arrow draws a straight arrow from (x0, y0) to (x1, y1).
export function arrow(ctx, x0, y0, x1, y1, { color = "#000", width = 2, head = 8, inhibitory = false } = {}) {
  const a = Math.atan2(y1 - y0, x1 - x0);
  ctx.save();
  ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = width; ctx.lineCap = "round";
  ctx.beginPath(); ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - Math.cos(a) * head * 0.6, y1 - Math.sin(a) * head * 0.6); ctx.stroke();
  ctx.beginPath();
  if (inhibitory) {
    // a bar ending, the neuroscience convention for inhibition
    const px = -Math.sin(a) * head * 0.8, py = Math.cos(a) * head * 0.8;
    ctx.lineWidth = Math.max(2, width * 0.8);
    ctx.moveTo(x1 + px, y1 + py); ctx.lineTo(x1 - px, y1 - py); ctx.stroke();
  } else {
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - head * Math.cos(a - 0.45), y1 - head * Math.sin(a - 0.45));
    ctx.lineTo(x1 - head * Math.cos(a + 0.45), y1 - head * Math.sin(a + 0.45));
    ctx.closePath(); ctx.fill();
  }
  ctx.restore();
}

// ---- helpers for node-link diagrams, matrices and contours ----

// bentArrow draws an arrow from (x0, y0) to (x1, y1) along a quadratic
// curve bent sideways by `bend` pixels (positive: to the left of the
// direction of travel), and returns the curve's midpoint for a label.
export function bentArrow(ctx, x0, y0, x1, y1, bend, { color = "#000", width = 2, head = 8, inhibitory = false, dash = null } = {}) {
  const dx = x1 - x0, dy = y1 - y0, d = Math.hypot(dx, dy) || 1;
  const nx = dy / d, ny = -dx / d; // left normal (y down)
  const cx = (x0 + x1) / 2 + nx * bend * 2, cy = (y0 + y1) / 2 + ny * bend * 2;
  // stop the line short of the tip so the head covers its end
  const tx = x1 - cx, ty = y1 - cy, tn = Math.hypot(tx, ty) || 1;
  const ex = x1 - (tx / tn) * head * 0.6, ey = y1 - (ty / tn) * head * 0.6;
  ctx.save();
  ctx.strokeStyle = color; ctx.lineWidth = width; ctx.lineCap = "round";
  if (dash) ctx.setLineDash(dash);
  ctx.beginPath(); ctx.moveTo(x0, y0); ctx.quadraticCurveTo(cx, cy, ex, ey); ctx.stroke();
  ctx.restore();
  arrow(ctx, x1 - (tx / tn) * 2, y1 - (ty / tn) * 2, x1, y1, { color, width, head, inhibitory });
  return { x: 0.25 * x0 + 0.5 * cx + 0.25 * x1, y: 0.25 * y0 + 0.5 * cy + 0.25 * y1 };
}

// selfLoop draws a self-connection on the circle of radius R around
// (x, y), leaving it in direction angle (radians, y down), and returns the
// loop's far point for a label.
export function selfLoop(ctx, x, y, R, angle, { color = "#000", width = 2, head = 8, inhibitory = false, size = 0.55 } = {}) {
  const r = R * size;
  const cx = x + Math.cos(angle) * (R + r * 0.6), cy = y + Math.sin(angle) * (R + r * 0.6);
  const a0 = angle + Math.PI + 1.1, a1 = angle + Math.PI - 1.1 + 2 * Math.PI;
  ctx.save();
  ctx.strokeStyle = color; ctx.lineWidth = width; ctx.lineCap = "round";
  ctx.beginPath(); ctx.arc(cx, cy, r, a0, a1 - 0.25); ctx.stroke();
  ctx.restore();
  const ex = cx + r * Math.cos(a1), ey = cy + r * Math.sin(a1);
  const tx = -Math.sin(a1), ty = Math.cos(a1);
  arrow(ctx, ex - tx * 3, ey - ty * 3, ex, ey, { color, width, head, inhibitory });
  return { x: cx + Math.cos(angle) * r, y: cy + Math.sin(angle) * r };
}

// matrix draws an n×m row-major matrix as coloured cells over [lo, hi]
// with each value printed in its cell (digits decimals) when it fits, and
// an optional title above.
export function matrix(ctx, rect, data, n, m, cmap, lo, hi, { digits = 2, font = 11, title = "" } = {}) {
  const cw = rect.w / m, ch = rect.h / n, span = hi - lo || 1;
  ctx.save();
  ctx.font = `${font}px ui-monospace, monospace`;
  ctx.textAlign = "center"; ctx.textBaseline = "middle";
  const fits = ctx.measureText("−0.00").width < cw - 2 && font < ch - 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = data[i * m + j], t = (v - lo) / span;
      ctx.fillStyle = cssColor(cmap(t));
      ctx.fillRect(rect.x + j * cw, rect.y + i * ch, cw + 0.5, ch + 0.5);
      if (fits) {
        ctx.fillStyle = Math.abs(t - 0.5) > 0.33 ? "#fff" : "#111";
        const s = (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits).replace("-", "−");
        ctx.fillText(s, rect.x + (j + 0.5) * cw, rect.y + (i + 0.5) * ch);
      }
    }
  }
  ctx.strokeStyle = palette.axis; ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(rect.x) + 0.5, Math.round(rect.y) + 0.5, Math.round(rect.w), Math.round(rect.h));
  if (title) {
    ctx.font = `600 ${font * 1.1}px system-ui, sans-serif`;
    ctx.fillStyle = palette.axis; ctx.textBaseline = "bottom";
    ctx.fillText(title, rect.x + rect.w / 2, rect.y - 3);
  }
  ctx.restore();
}

// contourSegments returns the line segments of {v = level} on an ny×nx
// row-major grid by marching squares with linear interpolation, as a flat
// array [x0, y0, x1, y1, …] in fractional grid coordinates (column, row).
// Saddle cells are split by the cell's mean value.
export function contourSegments(data, nx, ny, level) {
  const out = [];
  const lerp = (a, b) => (level - a) / (b - a);
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = data[j * nx + i], b = data[j * nx + i + 1];
      const c = data[(j + 1) * nx + i + 1], d = data[(j + 1) * nx + i];
      const k = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      if (k === 0 || k === 15) continue;
      // edge points: top (a–b), right (b–c), bottom (d–c), left (a–d)
      const top = () => [i + lerp(a, b), j], right = () => [i + 1, j + lerp(b, c)];
      const bottom = () => [i + lerp(d, c), j + 1], left = () => [i, j + lerp(a, d)];
      const seg = (p, q) => out.push(p[0], p[1], q[0], q[1]);
      switch (k) {
        case 1: case 14: seg(left(), top()); break;
        case 2: case 13: seg(top(), right()); break;
        case 3: case 12: seg(left(), right()); break;
        case 4: case 11: seg(right(), bottom()); break;
        case 6: case 9: seg(top(), bottom()); break;
        case 7: case 8: seg(left(), bottom()); break;
        case 5: case 10: {
          const high = (a + b + c + d) / 4 > level;
          if ((k === 5) === high) { seg(left(), bottom()); seg(top(), right()); } else { seg(left(), top()); seg(right(), bottom()); }
          break;
        }
      }
    }
  }
  return out;
}

// richText draws text in which "_X" or "_{XY}" is a subscript and "^X" or
// "^{XY}" a superscript, honouring ctx.textAlign (left, center, right) and
// the current font; it returns the width drawn.
export function richText(ctx, text, x, y) {
  const runs = [];
  const re = /([_^])(\{[^}]*\}|.)/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) runs.push({ s: text.slice(last, m.index), k: 0 });
    runs.push({ s: m[2].startsWith("{") ? m[2].slice(1, -1) : m[2], k: m[1] === "_" ? 1 : -1 });
    last = re.lastIndex;
  }
  if (last < text.length) runs.push({ s: text.slice(last), k: 0 });
  const font = ctx.font, px = parseFloat(/(\d+(\.\d+)?)px/.exec(font)?.[1] || "12");
  const small = font.replace(/(\d+(\.\d+)?)px/, `${(px * 0.72).toFixed(1)}px`);
  let total = 0;
  for (const r of runs) { ctx.font = r.k ? small : font; r.w = ctx.measureText(r.s).width; total += r.w; }
  const align = ctx.textAlign;
  let cx = align === "center" ? x - total / 2 : align === "right" || align === "end" ? x - total : x;
  ctx.save();
  ctx.textAlign = "left";
  for (const r of runs) {
    ctx.font = r.k ? small : font;
    ctx.fillText(r.s, cx, y + r.k * px * (r.k > 0 ? 0.3 : 0.38));
    cx += r.w;
  }
  ctx.restore();
  ctx.font = font;
  return total;
}

// ---- helpers for image panels (spatial demo) ----

// fitImage returns the largest rect with the aspect nx:ny that fits in
// rect, centred horizontally and aligned to its top.
export function fitImage(rect, nx, ny) {
  const s = Math.max(0, Math.min(rect.w / nx, rect.h / ny));
  const w = s * nx, h = s * ny;
  return { x: rect.x + (rect.w - w) / 2, y: rect.y, w, h };
}

// symmetricRange returns [−m, m] with m the largest |value| over the
// arrays (1 if they are all zero): the range of a diverging colour map.
export function symmetricRange(arrays) {
  let m = 0;
  for (const a of arrays) for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m > 0 ? [-m, m] : [-1, 1];
}

// labelledImage draws an ny×nx image fitted into rect under a caption
// (rich text, see richText) and returns the image rect, or null if there
// is no room. The caption takes one line of font px.
export function labelledImage(ctx, rect, data, nx, ny, cmap, lo, hi, { caption = "", font = 11, color = palette.axis } = {}) {
  const capH = caption ? font * 1.35 : 0;
  const r = fitImage({ x: rect.x, y: rect.y + capH, w: rect.w, h: rect.h - capH }, nx, ny);
  if (r.w < 4) return null;
  image(ctx, r, data, nx, ny, cmap, lo, hi);
  ctx.save();
  ctx.strokeStyle = palette.axis; ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(r.x) + 0.5, Math.round(r.y) + 0.5, Math.round(r.w) - 1, Math.round(r.h) - 1);
  if (caption) {
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.fillStyle = color; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    richText(ctx, caption, r.x + r.w / 2, r.y - 2);
  }
  ctx.restore();
  return r;
}
