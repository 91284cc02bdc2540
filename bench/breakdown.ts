import { assertKnown, parseArgs, stringArg } from "../lib/args";
import { loadHardhat } from "./lib/hardhat";
import { breakdown, formatBreakdown } from "./lib/trace";

/**
 * Where the gas of measured transactions goes, opcode by opcode (`debug_traceTransaction`): run the benchmark, then
 * trace the transactions behind the metrics named by `--metrics` (comma-separated; default: the operations SPEC
 * 10 budgets): `npm run bench:breakdown -- --metrics trading.cancelOrder.buy`.
 */
const DEFAULT = [
  "trading.createBuyOrder.steady",
  "trading.createSellOrder.steady",
  "trading.createBuyOrder.steadyFromWallet",
  "trading.createOrders.buy5.perOrder",
  "trading.cancelOrder.buy",
  "trading.matchOrders.dense1",
  "trading.executeTrades[fullFillSell#10]",
  "trading.executeTrades[fullFillBuyKeeps#10]",
  "trading.executeTrades[fullFillBuy#10]",
  "oracle.submitReadings.batch1",
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["metrics"]);
  const metrics = stringArg(args, "metrics", "");
  const wanted = metrics === "" ? DEFAULT : metrics.split(",").map((k) => k.trim());
  const hre = await loadHardhat();
  const { measure } = await import("./lib/measure");
  const m = await measure(hre, (line) => console.error(line));
  for (const key of wanted) {
    const hash = m.transactions[key];
    if (hash === undefined) {
      console.log(`${key}: no single transaction behind this metric; known: ${Object.keys(m.transactions).join(", ")}`);
      continue;
    }
    console.log(formatBreakdown(key, await breakdown(m.chain, hash, m.labels), 40));
    console.log();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
