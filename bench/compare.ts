import { existsSync, readFileSync } from "node:fs";

import { assertKnown, parseArgs, stringArg } from "../lib/args";
import { formatAs } from "./lib/format";
import { loadHardhat } from "./lib/hardhat";
import { renderReport } from "./lib/report";
import { REPORT_PATH, SNAPSHOT_PATH, TOLERANCE, buildSnapshot, readSnapshot, type Snapshot } from "./lib/snapshot";

type Verdict = "regression" | "missing" | "improved" | "new" | "within";

interface Difference {
  key: string;
  committed?: number;
  fresh?: number;
  change?: number;
  verdict: Verdict;
}

/**
 * `npm run bench:check`, the CI gate: re-measures (or reads `--fresh <file>`, a snapshot written by
 * `npm run bench -- --out <file>`) and compares every figure with the committed bench/gas-snapshot.json. Fails when a
 * figure is more than 2% worse, when a committed figure is no longer measured, or when docs/PERFORMANCE.md does not
 * match the committed snapshot. Improvements and new figures pass, with a reminder to commit a new snapshot.
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["fresh"]);
  const freshPath = stringArg(args, "fresh", "");
  const hre = await loadHardhat();
  const committed = readSnapshot(SNAPSHOT_PATH);
  const fresh: Snapshot =
    freshPath !== ""
      ? readSnapshot(freshPath)
      : buildSnapshot(hre, await (await import("./lib/measure")).measure(hre, (line) => console.error(line)));

  const differences = compare(committed.metrics, fresh.metrics);
  const changed = differences.filter((d) => d.verdict !== "within" || d.change !== 0);
  const failures = differences.filter((d) => d.verdict === "regression" || d.verdict === "missing");
  const better = differences.filter((d) => d.verdict === "improved" || d.verdict === "new");

  if (changed.length === 0) {
    console.log(`All ${differences.length} figures equal the committed snapshot.`);
  } else {
    printTable(changed);
  }
  const staleReport =
    !existsSync(REPORT_PATH) ||
    readFileSync(REPORT_PATH, "utf8") !== (await formatAs(REPORT_PATH, renderReport(committed)));
  if (failures.length > 0) {
    console.log(
      `\nFAIL: ${failures.length} figure(s) more than ${TOLERANCE * 100}% worse than ${SNAPSHOT_PATH} (or no longer measured).`,
    );
  } else {
    console.log(`\nNo figure is more than ${TOLERANCE * 100}% worse than the committed snapshot.`);
  }
  if (better.length > 0) {
    console.log(
      `${better.length} improved or new figure(s): run \`npm run bench\` and commit the new snapshot to lock them in.`,
    );
  }
  if (staleReport) {
    console.log(`FAIL: ${REPORT_PATH} does not match ${SNAPSHOT_PATH}: run \`npm run bench\` and commit both.`);
  } else if (failures.length === 0) {
    console.log("PASS");
  }
  if (failures.length > 0 || staleReport) process.exitCode = 1;
}

function compare(committed: Record<string, number>, fresh: Record<string, number>): Difference[] {
  const keys = [...new Set([...Object.keys(committed), ...Object.keys(fresh)])].sort();
  return keys.map((key): Difference => {
    const [before, after] = [committed[key], fresh[key]];
    if (after === undefined) return { key, committed: before, verdict: "missing" };
    if (before === undefined) return { key, fresh: after, verdict: "new" };
    const change = before === 0 ? (after === 0 ? 0 : Infinity) : (after - before) / before;
    const verdict: Verdict = change > TOLERANCE ? "regression" : change < 0 ? "improved" : "within";
    return { key, committed: before, fresh: after, change, verdict };
  });
}

function printTable(rows: Difference[]): void {
  const fmt = (x?: number) => (x === undefined ? "—" : x.toLocaleString("en-US"));
  const pct = (x?: number) => (x === undefined ? "" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`);
  const width = Math.max(6, ...rows.map((r) => r.key.length));
  console.log(
    `${"figure".padEnd(width)}  ${"committed".padStart(12)}  ${"fresh".padStart(12)}  ${"change".padStart(9)}  verdict`,
  );
  for (const r of rows) {
    console.log(
      `${r.key.padEnd(width)}  ${fmt(r.committed).padStart(12)}  ${fmt(r.fresh).padStart(12)}  ${pct(r.change).padStart(9)}  ${r.verdict}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
