// `npm run demo -- [--prosumers 12] [--consumers 24] [--epochs 96] [--seed 7] [--out reports/] ...`
// A simulated campus day on the in-process Hardhat network, with no set-up: deploys GridMarket through its
// Ignition module, runs the mock AMI head-end, the AMI bridge, the trading agents and the keeper, prints the
// day's figures and writes a self-contained HTML report (and the raw data as JSON).
// Options come from the command line only (lib/args.ts); `--network <name>` picks the Hardhat network.

import fs from "node:fs";
import path from "node:path";

import { renderHtml } from "./html";
import { HELP, parseDemoOptions } from "./options";
import { progressPrinter } from "./progress";
import { renderText, summarize } from "./report";
import type { DemoResult } from "./types";

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

async function main(): Promise<void> {
  const started = Date.now();
  const options = parseDemoOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  if (options.serve !== undefined && options.network !== undefined)
    throw new Error("--serve starts its own node: drop --network");
  const live = options.serve === undefined ? undefined : await (await import("./serve")).startLiveDemo(options.serve);
  if (options.network !== undefined) process.env.HARDHAT_NETWORK = options.network;
  // Loaded here, after HARDHAT_NETWORK is set: the runtime environment picks the network when it loads.
  const hre = (await import("hardhat")).default;
  await hre.run("compile", { quiet: true });
  const { runDemo } = await import("./simulation");

  let start: number | undefined;
  let decimals = 6;
  const demo = { ...options };
  delete (demo as { network?: string }).network;
  delete (demo as { help?: boolean }).help;
  delete (demo as { serve?: unknown }).serve;
  console.error(
    `GridMarket demo on "${hre.network.name}": ${options.prosumers} prosumers, ${options.consumers} consumers, ` +
      `${options.epochs} epochs, seed ${options.seed}`,
  );
  const progress = options.quiet
    ? () => undefined
    : progressPrinter(
        () => start,
        () => decimals,
      );
  const result: DemoResult = await runDemo(
    hre,
    demo,
    (p) => {
      start ??= p.dayStart;
      progress(p);
    },
    live?.hooks(hre),
  );
  decimals = result.paymentDecimals;
  const seconds = (Date.now() - started) / 1000;
  const summary = summarize(result);
  console.log("\n" + renderText(result, summary, seconds));

  fs.mkdirSync(options.out, { recursive: true });
  const base = path.join(options.out, `campus-day-seed${options.seed}`);
  fs.writeFileSync(`${base}.html`, renderHtml(result, summary, seconds));
  fs.writeFileSync(`${base}.json`, toJson({ result, summary }) + "\n");
  console.log(`\nReport: ${base}.html (data: ${base}.json)`);
  await live?.keepServing();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
