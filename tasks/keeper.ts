// gridmarket:keeper — the keeper service of lib/keeper.ts on a deployment. Loops checkUpkeep → performUpkeep on the
// OracleClient (or, with --direct, Trading's permissionless matchOrders / executeTrades), with bounded retries and
// exponential backoff, and stops cleanly on Ctrl-C.
import { task } from "hardhat/config";

import { type CommonArgs, type Context, setup, withCommonParams } from "./common";
import { CliError, ensure } from "../lib/errors";
import { say } from "../lib/output";
import { eventsOf, send } from "../lib/tx";
import { parseInteger } from "../lib/units";
import { WORK } from "../lib/enums";
import {
  contractPort,
  type KeeperLoopOptions,
  type KeeperStats,
  runKeeper as runKeeperLoop,
  StopSignal,
  upkeepStep,
} from "../lib/keeper";

/** Keeper settings (task options in milliseconds and counts). */
export interface KeeperOptions extends KeeperLoopOptions {
  direct: boolean;
  matchSteps: bigint;
  settleOrders: bigint;
}

export { type KeeperStats, StopSignal };

const stamp = () => new Date().toISOString();

/** One unit of work: an upkeep through the OracleClient, or a direct Trading call. Returns false when idle. */
async function step(ctx: Context, options: KeeperOptions): Promise<boolean> {
  const { d } = ctx;
  if (options.direct) {
    const [work, epoch] = await d.trading.pendingEpochWork();
    const kind = WORK[Number(work)];
    if (kind === "None") return false;
    const receipt = await send(
      `${kind === "Match" ? "matchOrders" : "executeTrades"} epoch ${epoch}`,
      () =>
        kind === "Match"
          ? d.trading.matchOrders(epoch, options.matchSteps)
          : d.trading.executeTrades(epoch, options.settleOrders),
      ctx.decoders,
    );
    const settled = eventsOf(receipt, d.trading, "EpochSettled").length > 0;
    say(`[${stamp()}] ${kind} epoch ${epoch}${settled ? ": epoch settled" : ""}`);
    return true;
  }

  const port = contractPort(d.oracleClient, (performData) =>
    send("performUpkeep", () => d.oracleClient.performUpkeep(performData), ctx.decoders),
  );
  try {
    const receipt = await upkeepStep(port);
    if (receipt === undefined) return false;
    for (const { args } of eventsOf(receipt, d.oracleClient, "UpkeepPerformed")) {
      say(`[${stamp()}] ${WORK[Number(args.work)]} epoch ${args.epoch}${args.done ? ": stage done" : ""}`);
    }
  } catch (error) {
    // Another keeper (or the Automation network) did the work between our check and our call: not a failure.
    if (error instanceof CliError && error.message.includes("OracleClientNoUpkeepNeeded(")) {
      say(`[${stamp()}] the work was already done by someone else`);
      return false;
    }
    throw error;
  }
  return true;
}

/** Runs the keeper service over the task's deployment until `--once`, `--max-iterations` or `stop`. */
export function runKeeper(ctx: Context, options: KeeperOptions, stop: StopSignal): Promise<KeeperStats> {
  return runKeeperLoop(
    { step: () => step(ctx, options), log: say, giveUp: (message) => new CliError(message) },
    options,
    stop,
  );
}

function parseSeconds(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n <= 0) {
    throw new CliError(`${option}: "${value}" is not a positive number of seconds`);
  }
  return Math.round(n * 1000);
}

interface KeeperArgs extends CommonArgs {
  interval: string;
  once: boolean;
  maxIterations?: string;
  maxRetries: string;
  backoff: string;
  maxBackoff: string;
  maxPerforms: string;
  direct: boolean;
  matchSteps: string;
  settleOrders: string;
}

withCommonParams(
  task("gridmarket:keeper", "Keeps the market clearing: checkUpkeep → performUpkeep in a loop (Ctrl-C stops it)")
    .addOptionalParam("interval", "Seconds between checks", "15")
    .addFlag("once", "Do one round (all work due now) and exit")
    .addOptionalParam("maxIterations", "Stop after this many rounds")
    .addOptionalParam("maxRetries", "Consecutive failures tolerated before giving up", "5")
    .addOptionalParam("backoff", "First retry delay in seconds, doubled on each consecutive failure", "1")
    .addOptionalParam("maxBackoff", "Longest retry delay in seconds", "60")
    .addOptionalParam("maxPerforms", "Upkeeps per round at most", "50")
    .addFlag("direct", "Call Trading.matchOrders / executeTrades directly (any account; no oracle operator role)")
    .addOptionalParam("matchSteps", "With --direct: price levels per matchOrders call", "200")
    .addOptionalParam("settleOrders", "With --direct: orders per executeTrades call", "100"),
).setAction(async (args: KeeperArgs, hre): Promise<KeeperStats> => {
  const options: KeeperOptions = {
    intervalMs: parseSeconds("--interval", args.interval),
    once: args.once,
    maxIterations:
      args.maxIterations === undefined ? undefined : Number(parseInteger("--max-iterations", args.maxIterations, 1n)),
    maxRetries: Number(parseInteger("--max-retries", args.maxRetries, 0n, 100n)),
    backoffMs: parseSeconds("--backoff", args.backoff),
    maxBackoffMs: parseSeconds("--max-backoff", args.maxBackoff),
    maxPerformsPerIteration: Number(parseInteger("--max-performs", args.maxPerforms, 1n, 10_000n)),
    direct: args.direct,
    matchSteps: parseInteger("--match-steps", args.matchSteps, 1n),
    settleOrders: parseInteger("--settle-orders", args.settleOrders, 1n),
  };
  const ctx = await setup(hre, args);
  const { d, signer } = ctx;
  if (!options.direct) {
    const [operator, forwarder, auto] = await Promise.all([
      d.oracleClient.isOracleOperator(signer.address),
      d.oracleClient.forwarder(),
      d.oracleClient.autoMarketClearing(),
    ]);
    ensure(
      operator || forwarder.toLowerCase() === signer.address.toLowerCase(),
      `${signer.address} is not an oracle operator, so performUpkeep would refuse it. A regulator can run ` +
        `gridmarket:add-oracle-operator --account ${signer.address}, or run the keeper with --direct.`,
    );
    if (!auto) say("note: automatic market clearing is off, so checkUpkeep never asks for work (see --direct)");
  }
  if (await d.trading.paused()) say("note: Trading is paused; no clearing can happen until it is unpaused");
  say(
    `keeper: ${options.direct ? "direct Trading calls" : "OracleClient upkeeps"}, ` +
      (options.once ? "one round" : `every ${options.intervalMs / 1000} s`) +
      (options.maxIterations ? `, at most ${options.maxIterations} rounds` : ""),
  );

  const stop = new StopSignal();
  const onSigint = () => {
    if (stop.requested) process.exit(130);
    say("keeper: stopping after the current step (Ctrl-C again to exit at once)");
    stop.request();
  };
  process.on("SIGINT", onSigint);
  try {
    return await runKeeper(ctx, options, stop);
  } finally {
    process.off("SIGINT", onSigint);
  }
});
