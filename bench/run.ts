import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import hre from "hardhat";

import { formatAs } from "./lib/format";
import { measure } from "./lib/measure";
import { renderReport, undescribedMetrics } from "./lib/report";
import { REPORT_PATH, SNAPSHOT_PATH, buildSnapshot, derive, readSnapshot, stableJson } from "./lib/snapshot";

/**
 * `npm run bench`: measures every user-facing operation, the SPEC 10 budgets and the scaling runs on the in-process
 * network, then writes bench/gas-snapshot.json and docs/PERFORMANCE.md. With BENCH_OUT=<file> it writes only the
 * snapshot, to that file (for CI: `BENCH_OUT=… npm run bench && BENCH_FRESH=… npm run bench:check`). With
 * BENCH_RENDER_ONLY=1 it measures nothing and regenerates both files from the committed snapshot (after a change to
 * the budget evaluation or the page layout).
 */
async function main(): Promise<void> {
  // BENCH_RENDER_ONLY=1: no measuring; re-derive budgets and re-render the page from the committed snapshot.
  const snapshot =
    process.env.BENCH_RENDER_ONLY === "1"
      ? derive(readSnapshot(SNAPSHOT_PATH))
      : buildSnapshot(hre, await measure(hre, (line) => console.log(line)));
  const undescribed = undescribedMetrics(snapshot);
  if (undescribed.length > 0)
    throw new Error(`describe these metrics in bench/lib/report.ts: ${undescribed.join(", ")}`);

  const out = process.env.BENCH_OUT;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  };
  write(out ?? SNAPSHOT_PATH, await formatAs(SNAPSHOT_PATH, stableJson(snapshot)));
  if (out === undefined) write(REPORT_PATH, await formatAs(REPORT_PATH, renderReport(snapshot)));

  console.log("\nSPEC 10 budgets:");
  for (const b of snapshot.budgets) {
    console.log(
      `  ${b.pass ? "PASS" : "FAIL"}  ${b.figure.toLocaleString("en-US").padStart(11)} ≤ ${b.budget.toLocaleString("en-US").padEnd(10)} ${b.id}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
