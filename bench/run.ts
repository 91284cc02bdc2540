import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { assertKnown, flagArg, parseArgs } from "../lib/args";
import { formatAs } from "./lib/format";
import { loadHardhat } from "./lib/hardhat";
import { renderReport, undescribedMetrics } from "./lib/report";
import { REPORT_PATH, SNAPSHOT_PATH, buildSnapshot, derive, readSnapshot, stableJson } from "./lib/snapshot";

const HELP = `npm run bench -- [options]
  --out FILE      write only the snapshot, to FILE (for CI: npm run bench -- --out F && npm run bench:check -- --fresh F)
  --render-only   measure nothing: re-derive the budgets and regenerate both files from the committed snapshot`;

/**
 * `npm run bench`: measures every user-facing operation, the SPEC 10 budgets and the scaling runs on the in-process
 * network, then writes bench/gas-snapshot.json and docs/PERFORMANCE.md. With `--out <file>` it writes only the
 * snapshot, to that file. With `--render-only` it measures nothing and regenerates both files from the committed
 * snapshot (after a change to the budget evaluation or the page layout).
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["out", "render-only", "help"]);
  if (args.has("help")) return console.log(HELP);
  const out = args.get("out");
  if (out === true) throw new Error("--out needs a file");
  const hre = await loadHardhat();
  const { measure } = await import("./lib/measure");
  const snapshot = flagArg(args, "render-only")
    ? derive(readSnapshot(SNAPSHOT_PATH))
    : buildSnapshot(hre, await measure(hre, (line) => console.log(line)));
  const undescribed = undescribedMetrics(snapshot);
  if (undescribed.length > 0)
    throw new Error(`describe these metrics in bench/lib/report.ts: ${undescribed.join(", ")}`);

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
