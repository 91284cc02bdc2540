// gridmarket:keeper — the keeper service of lib/keeper.ts on a deployment. Loops checkUpkeep → performUpkeep on the
// OracleClient (or, with --direct, Trading's permissionless matchOrders / executeTrades), with bounded retries and
// exponential backoff, and stops cleanly on Ctrl-C.
import { task } from "hardhat/config";

import { type CommonArgs, type Context, setup, withCommonParams } from "./common";
import { CliError, ensure } from "../lib/errors";
import { say } from "../lib/output";
import { eventsOf, parseEvents, RefusedError, send, sendWith } from "../lib/tx";
import { TxSender } from "../lib/sender";
import { parseInteger } from "../lib/units";
import { WORK } from "../lib/enums";
import {
  contractPort,
  MAX_PERFORM_GAS,
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
  /** A transaction with no receipt after this many ms is replaced with higher fees (same nonce). */
  stuckAfterMs: number;
}

export { type KeeperStats, StopSignal };

const stamp = () => new Date().toISOString();

/** The OracleClient's custom error for a performUpkeep with no work due. */
const NO_UPKEEP_NEEDED = "OracleClientNoUpkeepNeeded";

/** One unit of work: an upkeep through the OracleClient, or a direct Trading call. Returns false when idle. */
async function step(ctx: Context, options: KeeperOptions, sender: TxSender): Promise<boolean> {
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

  // Within Automation's gas limit, so that an upkeep the network could not perform fails here too.
  const port = contractPort(d.oracleClient, (performData) =>
    sendWith(
      sender,
      "performUpkeep",
      () => d.oracleClient.performUpkeep.populateTransaction(performData, { gasLimit: MAX_PERFORM_GAS }),
      ctx.decoders,
    ),
  );
  try {
    const receipt = await upkeepStep(port);
    if (receipt === undefined) return false;
    for (const { args } of parseEvents(receipt.logs, d.oracleClient, "UpkeepPerformed")) {
      say(`[${stamp()}] ${WORK[Number(args.work)]} epoch ${args.epoch}${args.done ? ": stage done" : ""}`);
    }
  } catch (error) {
    // Another keeper (or the Automation network) did the work between our check and our call: not a failure.
    // Recognised by the custom error the OracleClient's ABI decodes, at estimation or replayed after a revert.
    if (error instanceof RefusedError && error.revert?.name === NO_UPKEEP_NEEDED) {
      say(`[${stamp()}] the work was already done by someone else`);
      return false;
    }
    throw error;
  }
  return true;
}

/** Runs the keeper service over the task's deployment until `--once`, `--max-iterations` or `stop`. */
export function runKeeper(ctx: Context, options: KeeperOptions, stop: StopSignal): Promise<KeeperStats> {
  const sender = new TxSender(ctx.signer, { stuckAfterMs: options.stuckAfterMs, log: (line) => say(`  ${line}`) });
  return runKeeperLoop(
    { step: () => step(ctx, options, sender), log: say, giveUp: (message) => new CliError(message) },
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
  stuckAfter: string;
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
    .addOptionalParam("settleOrders", "With --direct: orders per executeTrades call", "100")
    .addOptionalParam(
      "stuckAfter",
      "Seconds without a receipt before a performUpkeep is resent with higher fees",
      "60",
    ),
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
    stuckAfterMs: parseSeconds("--stuck-after", args.stuckAfter),
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
