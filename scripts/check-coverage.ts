// Coverage gate: reads coverage/coverage-summary.json written by `npm run coverage` and fails unless every
// product contract (contracts/, test mocks excluded) reaches the thresholds, in total and per file.
import fs from "node:fs";
import path from "node:path";

const MIN_LINES = 100;
const MIN_BRANCHES = 95;

interface Metric {
  total: number;
  covered: number;
  pct: number | "Unknown";
}

interface FileSummary {
  lines: Metric;
  statements: Metric;
  functions: Metric;
  branches: Metric;
}

const summaryPath = path.join(process.cwd(), "coverage", "coverage-summary.json");
if (!fs.existsSync(summaryPath)) {
  console.error(`No coverage summary at ${path.relative(process.cwd(), summaryPath)}: run \`npm run coverage\` first.`);
  process.exit(1);
}

const summary = JSON.parse(fs.readFileSync(summaryPath, "utf8")) as Record<string, FileSummary>;

function relative(file: string): string {
  return path.relative(process.cwd(), path.resolve(process.cwd(), file)).split(path.sep).join("/");
}

const files = Object.entries(summary)
  .filter(([file]) => file !== "total")
  .map(([file, s]) => [relative(file), s] as const)
  .filter(([file]) => file.startsWith("contracts/") && !file.startsWith("contracts/test/"))
  .sort(([a], [b]) => a.localeCompare(b));

if (files.length === 0) {
  console.error("The coverage summary lists no file under contracts/.");
  process.exit(1);
}

function pct(covered: number, total: number): number {
  return total === 0 ? 100 : (100 * covered) / total;
}

const rows: string[][] = [];
const failures: string[] = [];
const sum = { lines: 0, linesCovered: 0, branches: 0, branchesCovered: 0 };

for (const [file, s] of files) {
  const lines = pct(s.lines.covered, s.lines.total);
  const branches = pct(s.branches.covered, s.branches.total);
  sum.lines += s.lines.total;
  sum.linesCovered += s.lines.covered;
  sum.branches += s.branches.total;
  sum.branchesCovered += s.branches.covered;
  const ok = lines >= MIN_LINES && branches >= MIN_BRANCHES;
  if (!ok) failures.push(file);
  rows.push([
    file,
    `${s.lines.covered}/${s.lines.total}`,
    lines.toFixed(2),
    `${s.branches.covered}/${s.branches.total}`,
    branches.toFixed(2),
    ok ? "ok" : "FAIL",
  ]);
}

const totalLines = pct(sum.linesCovered, sum.lines);
const totalBranches = pct(sum.branchesCovered, sum.branches);
const totalOk = totalLines >= MIN_LINES && totalBranches >= MIN_BRANCHES;
rows.push([
  "total",
  `${sum.linesCovered}/${sum.lines}`,
  totalLines.toFixed(2),
  `${sum.branchesCovered}/${sum.branches}`,
  totalBranches.toFixed(2),
  totalOk ? "ok" : "FAIL",
]);

const header = ["file", "lines", "lines %", "branches", "branches %", "gate"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const format = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`Coverage gate: lines ${MIN_LINES}%, branches >= ${MIN_BRANCHES}% (contracts/, test mocks excluded)`);
console.log(format(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(format(r));

if (failures.length > 0 || !totalOk) {
  console.error(`\nCoverage gate failed${failures.length > 0 ? `: ${failures.join(", ")}` : " (total)"}.`);
  process.exit(1);
}
console.log("\nCoverage gate passed.");
