// Minimal inline-SVG charts for the self-contained HTML report (no scripts, no external assets).

export const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Round axis ticks covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

export interface Series {
  name: string;
  color: string;
  values: number[];
  kind: "line" | "bar" | "area";
  /** Plot against the right axis. */
  right?: boolean;
  dashed?: boolean;
}

export interface TimeChartOptions {
  title: string;
  /** Labels of the x positions (e.g. hh:mm); every `labelEvery`-th is drawn. */
  labels: string[];
  labelEvery: number;
  leftUnit: string;
  rightUnit?: string;
  series: Series[];
  width?: number;
  height?: number;
}

const fmt = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? String(Number(v.toFixed(2))) : String(Number(v.toFixed(4)));

/** A chart over time: bars, lines and areas on a left axis and an optional right axis. */
export function timeChart(o: TimeChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 320;
  const m = { top: 36, right: o.rightUnit ? 64 : 20, bottom: 40, left: 64 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const n = o.labels.length;
  const finite = (vs: number[]) => vs.filter((v) => Number.isFinite(v));
  const leftTicks = niceTicks(Math.max(0, ...o.series.filter((s) => !s.right).flatMap((s) => finite(s.values))));
  const rightTicks = niceTicks(Math.max(0, ...o.series.filter((s) => s.right).flatMap((s) => finite(s.values))));
  const ly = (v: number) => m.top + h - (v / leftTicks[leftTicks.length - 1]) * h;
  const ry = (v: number) => m.top + h - (v / rightTicks[rightTicks.length - 1]) * h;
  const slot = w / Math.max(n, 1);
  const x = (i: number) => m.left + (i + 0.5) * slot;
  const parts: string[] = [];
  parts.push(`<text x="${m.left}" y="20" class="title">${esc(o.title)}</text>`);
  for (const t of leftTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${ly(t)}" y2="${ly(t)}" class="grid"/>`);
    parts.push(`<text x="${m.left - 6}" y="${ly(t) + 4}" class="tick" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(
    `<text x="14" y="${m.top + h / 2}" class="axis" transform="rotate(-90 14 ${m.top + h / 2})" text-anchor="middle">${esc(o.leftUnit)}</text>`,
  );
  if (o.rightUnit) {
    for (const t of rightTicks) {
      parts.push(`<text x="${m.left + w + 6}" y="${ry(t) + 4}" class="tick">${fmt(t)}</text>`);
    }
    const rx = width - 12;
    parts.push(
      `<text x="${rx}" y="${m.top + h / 2}" class="axis" transform="rotate(90 ${rx} ${m.top + h / 2})" text-anchor="middle">${esc(o.rightUnit)}</text>`,
    );
  }
  o.labels.forEach((label, i) => {
    if (i % o.labelEvery !== 0) return;
    parts.push(`<line x1="${x(i)}" x2="${x(i)}" y1="${m.top + h}" y2="${m.top + h + 4}" class="axisline"/>`);
    parts.push(`<text x="${x(i)}" y="${m.top + h + 18}" class="tick" text-anchor="middle">${esc(label)}</text>`);
  });
  parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" class="axisline"/>`);
  const bars = o.series.filter((s) => s.kind === "bar");
  bars.forEach((s, b) => {
    const bw = (slot * 0.8) / bars.length;
    s.values.forEach((v, i) => {
      if (v <= 0) return;
      const y = s.right ? ry(v) : ly(v);
      parts.push(
        `<rect x="${(x(i) - slot * 0.4 + b * bw).toFixed(2)}" y="${y.toFixed(2)}" width="${bw.toFixed(2)}" height="${(m.top + h - y).toFixed(2)}" fill="${s.color}"><title>${esc(`${s.name} ${o.labels[i]}: ${fmt(v)}`)}</title></rect>`,
      );
    });
  });
  for (const s of o.series.filter((t) => t.kind !== "bar")) {
    const y = s.right ? ry : ly;
    // Non-finite values (e.g. no clearing price) break the line.
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (Number.isFinite(v)) segments[segments.length - 1].push(`${x(i).toFixed(2)},${y(v).toFixed(2)}`);
      else if (segments[segments.length - 1].length > 0) segments.push([]);
    });
    if (s.kind === "area") {
      const pts = s.values.map((v, i) => `${x(i).toFixed(2)},${y(Number.isFinite(v) ? v : 0).toFixed(2)}`);
      parts.push(
        `<polygon points="${x(0).toFixed(2)},${m.top + h} ${pts.join(" ")} ${x(n - 1).toFixed(2)},${m.top + h}" fill="${s.color}" fill-opacity="0.25" stroke="none"/>`,
      );
    }
    for (const seg of segments.filter((g) => g.length > 0)) {
      parts.push(
        seg.length === 1
          ? `<circle cx="${seg[0].split(",")[0]}" cy="${seg[0].split(",")[1]}" r="2" fill="${s.color}"/>`
          : `<polyline points="${seg.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      );
    }
  }
  let lx = m.left;
  for (const s of o.series) {
    parts.push(
      s.kind === "bar"
        ? `<rect x="${lx}" y="${height - 12}" width="12" height="8" fill="${s.color}"/>`
        : `<line x1="${lx}" x2="${lx + 12}" y1="${height - 8}" y2="${height - 8}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 2"' : ""}/>`,
    );
    parts.push(`<text x="${lx + 16}" y="${height - 4}" class="legend">${esc(s.name)}</text>`);
    lx += 24 + s.name.length * 7;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(o.title)}">${parts.join("")}</svg>`;
}

export interface HBar {
  label: string;
  value: number;
  color: string;
  note?: string;
}

/** Horizontal bars around zero (positive to the right), one row per item. */
export function hbarChart(title: string, unit: string, bars: HBar[], width = 960): string {
  const row = 18;
  const m = { top: 36, right: 90, bottom: 28, left: 250 };
  const h = bars.length * row;
  const height = m.top + h + m.bottom;
  const w = width - m.left - m.right;
  const maxAbs = Math.max(1e-9, ...bars.map((b) => Math.abs(b.value)));
  const ticks = niceTicks(maxAbs, 4);
  const top = ticks[ticks.length - 1];
  const hasNeg = bars.some((b) => b.value < 0);
  const zero = hasNeg ? m.left + w / 2 : m.left;
  const scale = (hasNeg ? w / 2 : w) / top;
  const parts: string[] = [`<text x="${m.left}" y="20" class="title">${esc(title)}</text>`];
  for (const t of ticks) {
    for (const sign of hasNeg ? [1, -1] : [1]) {
      const tx = zero + sign * t * scale;
      parts.push(`<line x1="${tx}" x2="${tx}" y1="${m.top}" y2="${m.top + h}" class="grid"/>`);
      parts.push(`<text x="${tx}" y="${m.top + h + 16}" class="tick" text-anchor="middle">${fmt(sign * t)}</text>`);
    }
  }
  bars.forEach((b, i) => {
    const y = m.top + i * row;
    const len = Math.abs(b.value) * scale;
    const bx = b.value >= 0 ? zero : zero - len;
    parts.push(`<text x="${m.left - 8}" y="${y + 13}" class="tick" text-anchor="end">${esc(b.label)}</text>`);
    parts.push(
      `<rect x="${bx.toFixed(2)}" y="${y + 3}" width="${len.toFixed(2)}" height="${row - 6}" fill="${b.color}"><title>${esc(`${b.label}: ${fmt(b.value)} ${unit}${b.note ? ` — ${b.note}` : ""}`)}</title></rect>`,
    );
    const tx = b.value >= 0 ? bx + len + 4 : bx - 4;
    parts.push(
      `<text x="${tx.toFixed(2)}" y="${y + 13}" class="tick" text-anchor="${b.value >= 0 ? "start" : "end"}">${fmt(b.value)}</text>`,
    );
  });
  parts.push(`<line x1="${zero}" x2="${zero}" y1="${m.top}" y2="${m.top + h}" class="axisline"/>`);
  parts.push(`<text x="${width - 8}" y="${m.top + h + 16}" class="axis" text-anchor="end">${esc(unit)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(title)}">${parts.join("")}</svg>`;
}
