/** Least-squares line through `points`: gas = fixed + slope × x. */
export function fitLine(points: { x: number; y: number }[]): { fixed: number; slope: number } {
  const n = points.length;
  if (n < 2) throw new Error("a fit needs two points");
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const slope = sxy / sxx;
  return { fixed: my - slope * mx, slope };
}

export function sum(values: number[]): number {
  return values.reduce((s, v) => s + v, 0);
}
