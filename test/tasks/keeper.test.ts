// gridmarket:keeper: rounds, limits, Ctrl-C, retries with exponential backoff, and the direct Trading path.
import { expect } from "chai";
import hre from "hardhat";

import { type KeeperOptions, type KeeperStats, StopSignal, runKeeper } from "../../tasks/keeper";
import { type Context, setup } from "../../tasks/common";
import { capture, deploySystem, deployWithEndedEpoch, load, run, runError } from "./helpers";

const CLOSED = 2n;
const SETTLED = 5n;

const OPTIONS: KeeperOptions = {
  intervalMs: 10,
  once: false,
  maxRetries: 2,
  backoffMs: 10,
  maxBackoffMs: 15,
  maxPerformsPerIteration: 50,
  direct: false,
  matchSteps: 200n,
  settleOrders: 100n,
  stuckAfterMs: 60_000,
};

describe("operator CLI: keeper", () => {
  // Tests on the bare system first: returning to an earlier snapshot discards the later ones.
  it("stops after --max-iterations rounds", async () => {
    await load(deploySystem);
    const stats = await run<KeeperStats>("gridmarket:keeper", { interval: "0.01", maxIterations: "3" });
    expect(stats).to.deep.equal({ iterations: 3, performs: 0, failures: 0, stoppedBy: "max-iterations" });
  });

  it("stops cleanly on SIGINT and removes its handler", async () => {
    await load(deploySystem);
    const before = process.listeners("SIGINT");
    const listeners = before.length;
    const running = run<KeeperStats>("gridmarket:keeper", { interval: "0.05" });
    while (process.listenerCount("SIGINT") === listeners) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 120));
    // Deliver the signal to the keeper's handler alone: the test runner may have SIGINT handlers of its own
    // (mocha's abort, solidity-coverage's) that must not fire.
    const keeperHandler = process.listeners("SIGINT").find((l) => !before.includes(l));
    expect(keeperHandler, "the keeper installs a SIGINT handler").to.not.equal(undefined);
    keeperHandler!("SIGINT");
    const stats = await running;
    expect(stats.stoppedBy).to.equal("signal");
    expect(stats.iterations).to.be.greaterThanOrEqual(1);
    expect(process.listenerCount("SIGINT")).to.equal(listeners);
  });

  it("refuses to start an upkeep keeper from an account performUpkeep would reject", async () => {
    await load(deploySystem);
    const [, , , , outsider] = await hre.ethers.getSigners();
    expect(await runError("gridmarket:keeper", { once: true, from: outsider.address })).to.equal(
      `${outsider.address} is not an oracle operator, so performUpkeep would refuse it. A regulator can run ` +
        `gridmarket:add-oracle-operator --account ${outsider.address}, or run the keeper with --direct.`,
    );
    expect(await runError("gridmarket:keeper", { interval: "0" })).to.equal(
      '--interval: "0" is not a positive number of seconds',
    );
  });

  it("clears an ended epoch in one round with --once, then finds nothing to do", async () => {
    const { trading, oracleClient, epoch } = await load(deployWithEndedEpoch);
    const { result, lines } = await capture(() => hre.run("gridmarket:keeper", { once: true }));
    const stats = result as KeeperStats;
    expect(stats).to.deep.include({ iterations: 1, failures: 0, stoppedBy: "once" });
    expect(stats.performs).to.be.greaterThanOrEqual(1);
    expect((await trading.getEpochResult(epoch)).status).to.equal(SETTLED);
    expect(await oracleClient.lastMarketCheck()).to.be.greaterThan(0n);
    expect(lines.some((l) => l.includes(`Settle epoch ${epoch}: stage done`))).to.equal(true);

    const idle = await run<KeeperStats>("gridmarket:keeper", { once: true });
    expect(idle).to.deep.equal({ iterations: 1, performs: 0, failures: 0, stoppedBy: "once" });
  });

  it("retries a failing step with exponential backoff, then gives up with the decoded error", async () => {
    const { trading, epoch } = await load(deployWithEndedEpoch);
    const [, , , , outsider] = await hre.ethers.getSigners();
    const ctx = await capture(() => setup(hre, { from: outsider.address }));
    const { result, lines } = await capture(() =>
      runKeeper(ctx.result, OPTIONS, new StopSignal()).then(
        () => "resolved",
        (error: Error) => error.message,
      ),
    );
    expect(result).to.equal(
      `keeper: giving up after 3 consecutive failures; last: performUpkeep: refused: OracleClientNotUpkeepCaller(caller=${outsider.address})`,
    );
    const retries = lines.filter((l) => l.includes("retrying in"));
    expect(retries.map((l) => /failure (\d)\/2: .* retrying in (\d+) ms/.exec(l)?.slice(1))).to.deep.equal([
      ["1", "10"],
      ["2", "15"],
    ]);
    expect((await trading.getEpochResult(epoch)).status).to.equal(CLOSED); // nothing half-done
  });

  it("recovers from a transient RPC failure and carries on", async () => {
    const { trading, epoch } = await load(deployWithEndedEpoch);
    const ctx = (await capture(() => setup(hre, {}))).result;
    let calls = 0;
    const flaky = new Proxy(ctx.d.oracleClient, {
      get(target, prop, receiver) {
        if (prop === "checkUpkeep") {
          return (...args: [string]) => {
            calls++;
            if (calls === 1) return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:8545"));
            return target.checkUpkeep(...args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const flakyCtx: Context = { ...ctx, d: { ...ctx.d, oracleClient: flaky } };
    const { result, lines } = await capture(() => runKeeper(flakyCtx, { ...OPTIONS, once: true }, new StopSignal()));
    expect(result.failures).to.equal(1);
    expect(result.stoppedBy).to.equal("once");
    expect(result.performs).to.be.greaterThanOrEqual(1);
    expect(lines[0]).to.match(/failure 1\/2: connect ECONNREFUSED 127\.0\.0\.1:8545; retrying in 10 ms$/);
    expect((await trading.getEpochResult(epoch)).status).to.equal(SETTLED);
  });

  it("clears through Trading directly with --direct, from any account", async () => {
    const { trading, epoch } = await load(deployWithEndedEpoch);
    const [, , , , outsider] = await hre.ethers.getSigners();
    const stats = await run<KeeperStats>("gridmarket:keeper", {
      once: true,
      direct: true,
      matchSteps: "1",
      settleOrders: "1",
      from: outsider.address,
    });
    expect(stats.performs).to.be.greaterThanOrEqual(3); // 1-level match steps and 1-order settlement batches
    expect((await trading.getEpochResult(epoch)).status).to.equal(SETTLED);
  });
});
