// The keeper: plays Chainlink Automation's part. One step is `checkUpkeep` (a view) and, when work is due,
// `performUpkeep(performData)`; how the two are sent is injected, so the operator task (ethers contracts, receipts
// printed), the demo and the benchmark (raw JSON-RPC) share the same step. `runKeeper` is the service loop around
// a step, with bounded retries, exponential backoff and a clean stop.

/** Gas limit of one `performUpkeep`: the `maxPerformGas` of Chainlink Automation's registries. */
export const MAX_PERFORM_GAS = 5_000_000n;

/** How to reach an upkeep-compatible contract: its `checkUpkeep` view and a way to send `performUpkeep`. */
export interface UpkeepPort<R> {
  check(): Promise<{ needed: boolean; performData: string }>;
  perform(performData: string): Promise<R>;
}

/** One keeper step: check, then perform when work is due. Returns what `perform` returned, or undefined when idle. */
export async function upkeepStep<R>(port: UpkeepPort<R>): Promise<R | undefined> {
  const { needed, performData } = await port.check();
  if (!needed) return undefined;
  return port.perform(performData);
}

/** Steps until no work is due; returns every perform's result. Throws after `maxSteps` (no convergence). */
export async function drainUpkeeps<R>(port: UpkeepPort<R>, maxSteps: number): Promise<R[]> {
  const out: R[] = [];
  for (;;) {
    const result = await upkeepStep(port);
    if (result === undefined) return out;
    out.push(result);
    if (out.length > maxSteps) throw new Error("the keeper does not converge");
  }
}

/** An `OracleClient`-like contract as ethers exposes it. */
export interface UpkeepContract<R> {
  checkUpkeep(checkData: string): Promise<[boolean, string] | { 0: boolean; 1: string }>;
  performUpkeep(performData: string): Promise<R>;
}

/** The port of an ethers contract (check through a call, perform as sent by `perform`). */
export function contractPort<R>(
  contract: Pick<UpkeepContract<unknown>, "checkUpkeep">,
  perform: (performData: string) => Promise<R>,
): UpkeepPort<R> {
  return {
    async check() {
      const result = await contract.checkUpkeep("0x");
      return { needed: result[0], performData: result[1] };
    },
    perform,
  };
}

/** Keeper loop settings. */
export interface KeeperLoopOptions {
  intervalMs: number;
  once: boolean;
  maxIterations?: number;
  maxRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  maxPerformsPerIteration: number;
}

/** What a keeper run did. */
export interface KeeperStats {
  iterations: number;
  performs: number;
  failures: number;
  stoppedBy: "once" | "max-iterations" | "signal";
}

/** A stop request that also cuts the current wait short. */
export class StopSignal {
  requested = false;
  private wake: () => void = () => undefined;

  request(): void {
    this.requested = true;
    this.wake();
  }

  /** Waits `ms`, or less if a stop is requested meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.requested) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The keeper service's dependencies: one unit of work (false when idle), a printer, a clock and a way to fail. */
export interface KeeperDeps {
  step: () => Promise<boolean>;
  log: (line: string) => void;
  now?: () => Date;
  /** Builds the error thrown when the keeper gives up. */
  giveUp?: (message: string) => Error;
}

/** Runs keeper rounds (each: steps until idle or the per-round cap) until `once`, `maxIterations` or `stop`. */
export async function runKeeper(deps: KeeperDeps, options: KeeperLoopOptions, stop: StopSignal): Promise<KeeperStats> {
  const stamp = () => (deps.now ?? (() => new Date()))().toISOString();
  const giveUp = deps.giveUp ?? ((message: string) => new Error(message));
  const stats: KeeperStats = { iterations: 0, performs: 0, failures: 0, stoppedBy: "signal" };
  let consecutiveFailures = 0;
  while (!stop.requested) {
    try {
      let performs = 0;
      while (!stop.requested && performs < options.maxPerformsPerIteration && (await deps.step())) performs++;
      stats.performs += performs;
      stats.iterations++;
      consecutiveFailures = 0;
      if (performs === 0) deps.log(`[${stamp()}] nothing to do`);
    } catch (error) {
      stats.failures++;
      consecutiveFailures++;
      const message = error instanceof Error ? error.message : String(error);
      if (consecutiveFailures > options.maxRetries) {
        throw giveUp(`keeper: giving up after ${consecutiveFailures} consecutive failures; last: ${message}`);
      }
      const delay = Math.min(options.backoffMs * 2 ** (consecutiveFailures - 1), options.maxBackoffMs);
      deps.log(
        `[${stamp()}] failure ${consecutiveFailures}/${options.maxRetries}: ${message}; retrying in ${delay} ms`,
      );
      await stop.sleep(delay);
      continue;
    }
    if (options.once) {
      stats.stoppedBy = "once";
      break;
    }
    if (options.maxIterations !== undefined && stats.iterations >= options.maxIterations) {
      stats.stoppedBy = "max-iterations";
      break;
    }
    await stop.sleep(options.intervalMs);
  }
  deps.log(
    `keeper stopped (${stats.stoppedBy}): ${stats.iterations} iteration(s), ${stats.performs} upkeep(s), ${stats.failures} failure(s)`,
  );
  return stats;
}
