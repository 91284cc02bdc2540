// The fault-injection soak (npm run soak): the market on a local node with one-second blocks, the keeper (two of
// them, racing), the AMI bridge and the mock head-end as separate processes behind loopback proxies, for N
// epochs with seeded faults: services killed with SIGKILL (also between sending a transaction and its mining), the
// head-end answering 503, hanging, returning malformed and duplicated rows, the node restarted from a state dump
// (anvil), dropped connections, an endpoint refusing wide log ranges, a transaction stuck below the base fee; then
// a one-hour outage of every service. A supervisor restarts whatever dies, as systemd would; nothing else is done by
// hand. At the end, from chain state and events: every epoch with orders matched and settled exactly once, every
// interval reading minted exactly once, both tokens conserved, and the catch-up time after the outage.
//
//   npm run soak                                   # 3 epochs, seed 1, anvil
//   npm run soak -- --epochs 10 --seed 7 --node hardhat
//
// The real clock drives the blocks; `evm_increaseTime` moves the chain one 15-minute epoch (and metering
// interval) at a time, and `hardhat_mine` produces the outage's hour of one-second blocks at once.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import { encodeBytes32String } from "ethers";

import { assertKnown, numberArg, parseArgs, stringArg } from "../../lib/args";
import { loadDeployment } from "../../lib/deployment";
import { EpochStatus } from "../../lib/enums";
import { queryEvents } from "../../lib/events";
import { WH } from "../../lib/units";
import { freePort, parseNodeKind } from "../../lib/node";
import { hex } from "../../lib/rpc";
import { output } from "../../lib/output";
import { hardhatCommand } from "../../lib/processes";
import { Rng } from "../../lib/random";
import { auditConservation, auditReadings } from "../e2e/audit";
import {
  bridgeService,
  keeperService,
  loadHardhat,
  localhostEnv,
  logger,
  parametersFile,
  ROOT,
  runDir,
  sleep,
  startHeadEnd,
  startNode,
  waitFor,
} from "../e2e/stack";
import { FaultProxy, HeadEndFaults, RpcFaults } from "./proxy";
import { Supervisor } from "./supervisor";

const INTERVAL = 900;
const DEPLOYMENT_ID = "soak";
const FAULTS = [
  "kill-keeper",
  "kill-bridge",
  "kill-after-send",
  "head-end-503",
  "head-end-timeout",
  "head-end-malformed",
  "head-end-duplicated",
  "node-restart",
  "rpc-drop",
  "stuck-tx",
  "base-fee-spike",
] as const;
type Fault = (typeof FAULTS)[number];
const log = logger("soak");

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["epochs", "seed", "node"]);
  const epochs = numberArg(args, "epochs", 3, { integer: true, min: 1, max: 500 });
  const seed = numberArg(args, "seed", 1, { integer: true, min: 0 });
  const kind = parseNodeKind(stringArg(args, "node", "anvil"));
  const rng = new Rng(seed);
  const dir = runDir("soak");
  const deploymentDir = path.join(ROOT, "deploy", "deployments", DEPLOYMENT_ID);
  fs.rmSync(deploymentDir, { recursive: true, force: true });
  const started = Date.now();

  // Every fault kind at least once, spread over the epochs in a seeded order.
  const order = [...FAULTS].sort(() => rng.next() - 0.5);
  const plan: Fault[][] = Array.from({ length: epochs }, () => []);
  order.forEach((fault, i) => plan[i % epochs].push(fault));
  for (let e = FAULTS.length; e < epochs; e++) plan[e].push(rng.pick(FAULTS));

  const node = await startNode(kind, 1000, dir, kind === "anvil" ? path.join(dir, "anvil-state.json") : undefined);
  const rpcFaults = new RpcFaults(500);
  const rpcProxy = new FaultProxy(node.url, rpcFaults.decide);
  const headEndFaults = new HeadEndFaults(3000);
  const supervisor = new Supervisor();
  const stops: (() => Promise<void>)[] = [];
  const watchdog = setTimeout(() => {
    console.error("[soak] FAILED: timed out after 600 s");
    process.exit(1);
  }, 600_000);
  watchdog.unref();
  let ok = false;
  try {
    await rpcProxy.listen();
    log(`${kind} node on ${node.url}, behind a proxy on ${rpcProxy.url}; deploying (epochs of 900 s)`);
    const parameters = parametersFile(dir, {});
    await hardhatCommand(
      ROOT,
      [
        "ignition",
        "deploy",
        "deploy/modules/GridMarket.ts",
        "--network",
        "localhost",
        "--deployment-id",
        DEPLOYMENT_ID,
        "--parameters",
        parameters,
      ],
      localhostEnv(node.url),
    );
    const hre = loadHardhat(node.url);
    output.write = () => undefined;
    const run = (name: string, a: Record<string, unknown>) => hre.run(name, { deploymentId: DEPLOYMENT_ID, ...a });
    const d = await loadDeployment(hre, { deploymentId: DEPLOYMENT_ID });
    const deployBlock = await hre.ethers.provider.getBlockNumber();
    const [admin, keeperA, keeperB, bridgeAccount, p1, p2, c1, c2] = await hre.ethers.getSigners();
    const chainTime = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;

    log("campus: two prosumers and two consumers on the head-end, two keepers and a bridge operator");
    const meters = [
      { serial: "AMI-P001", owner: p1, type: "prosumer" },
      { serial: "AMI-P002", owner: p2, type: "prosumer" },
      { serial: "AMI-C001", owner: c1, type: "consumer" },
      { serial: "AMI-C002", owner: c2, type: "consumer" },
    ];
    // Concurrently, as several operators would: the node hands out the admin's nonces.
    await Promise.all([
      ...meters.map(async (m) => {
        await run("gridmarket:register-user", { account: m.owner.address, type: m.type, location: m.serial });
        await run("gridmarket:assign-meter", { meter: m.serial, owner: m.owner.address });
      }),
      ...[keeperA, keeperB, bridgeAccount].map((s) => run("gridmarket:add-oracle-operator", { account: s.address })),
      ...[c1, c2].map(async (buyer) => {
        await run("gridmarket:mint-payment-token", { to: buyer.address, amount: "20" });
        await run("gridmarket:deposit", { token: "usdc", amount: "5", from: buyer.address });
      }),
    ]);

    const t0 = (await chainTime()) - ((await chainTime()) % INTERVAL);
    const headEnd = await startHeadEnd(dir, await freePort(), {
      start: t0 - 11 * 3600,
      prosumers: 2,
      consumers: 2,
      seed,
    });
    stops.push(() => headEnd.service.stop());
    await headEnd.client.setClock(t0);
    const headEndProxy = new FaultProxy(headEnd.url, headEndFaults.decide);
    await headEndProxy.listen();
    const settings = {
      dir,
      rpcUrl: rpcProxy.url,
      deploymentId: DEPLOYMENT_ID,
      from: bridgeAccount.address,
      stuckAfter: 5,
    };
    stops.push(() => headEndProxy.close());
    const bridge = bridgeService(settings, headEndProxy.url, "bridge", ["--ami-timeout", "2"]);
    const keepers = [
      keeperService({ ...settings, from: keeperA.address }, "keeper-a"),
      keeperService({ ...settings, from: keeperB.address }, "keeper-b"),
    ];
    for (const service of [bridge, ...keepers]) supervisor.add(service);
    supervisor.start();
    stops.push(() => supervisor.stopAll());

    const meterIds = meters.map((m) => encodeBytes32String(m.serial));
    const caughtUp = async (until: number) => {
      for (const id of meterIds)
        if (Number((await d.oracleClient.getMeterState(id)).lastReadAt) !== until) return false;
      return true;
    };
    const settled = async (epoch: bigint) =>
      Number((await d.trading.getEpochResult(epoch)).status) === EpochStatus.Settled;
    const tolerant = (condition: () => Promise<boolean>) => () => condition().catch(() => false); // the node may be restarting
    await waitFor(
      "the bridge's baselines",
      tolerant(() => caughtUp(t0)),
      120_000,
    );

    /** Moves the chain (and the head-end's clock) to `t`; returns the last metering interval at or before it. */
    const jumpTo = async (t: number) => {
      await node.increaseTime(t - (await chainTime()));
      const now = await chainTime();
      await headEnd.client.setClock(now);
      return now - (now % INTERVAL);
    };
    log("to the start of the epoch after next, so that the prosumers have GRID to sell");
    let interval = await jumpTo(Number(await d.trading.epochStart((await d.trading.currentEpoch()) + 2n)));
    await waitFor(
      "the first readings",
      tolerant(() => caughtUp(interval)),
      120_000,
    );

    const traded: bigint[] = [];
    const placeOrders = async () => {
      const epoch = await d.trading.currentEpoch();
      // Each prosumer offers up to 50 Wh of what the bridge minted for it (in steps of the 10 Wh minimum order).
      for (const [seller, price] of [
        [p1, "0.15"],
        [p2, "0.20"],
      ] as const) {
        const wh = Math.min(50, Number((await d.gridToken.balanceOf(seller.address)) / (10n * WH)) * 10);
        if (wh > 0)
          await run("gridmarket:place-orders", { orders: `sell:${wh / 1000}@${price}`, from: seller.address });
      }
      await run("gridmarket:place-orders", { orders: "buy:0.05@0.25", from: c1.address });
      await run("gridmarket:place-orders", { orders: "buy:0.04@0.22", from: c2.address });
      traded.push(epoch);
      return epoch;
    };

    const injected = new Map<string, number>();
    const count = (fault: string) => injected.set(fault, (injected.get(fault) ?? 0) + 1);
    const stuck: { hash: string; nonce: number }[] = [];
    const restartMs: number[] = [];

    const before = async (fault: Fault) => {
      if (fault === "head-end-503") headEndFaults.arm("unavailable", 3);
      else if (fault === "head-end-timeout") headEndFaults.arm("hang");
      else if (fault === "head-end-malformed") headEndFaults.arm("malformed");
      else if (fault === "head-end-duplicated") headEndFaults.arm("duplicated");
      else if (fault === "rpc-drop") rpcFaults.dropNext(5);
      else if (fault === "kill-after-send")
        rpcFaults.afterNextSend(bridgeAccount.address, "bridge killed after a send", () => bridge.stop("SIGKILL"));
      else if (fault === "node-restart") {
        if (kind !== "anvil") return log("  node-restart: a hardhat node has no state dump; skipped");
        restartMs.push(await node.restartFromDump());
      } else if (fault === "base-fee-spike") {
        // The base fee jumps to 1,000 gwei right after the bridge's next transaction reached the node: priced for
        // the old base fee, it stays unmined past --stuck-after and must be sent again with higher fees.
        rpcFaults.afterNextSend(bridgeAccount.address, "base fee jumped after a send", async () => {
          await node.rpc("hardhat_setNextBlockBaseFeePerGas", ["0xe8d4a51000"]);
        });
      } else if (fault === "stuck-tx") {
        // What a bridge that crashed right after broadcasting leaves behind: a transaction at its confirmed nonce,
        // priced for the base fee of the moment, which then jumps (the next block's base fee set to 1,000 gwei).
        // Sent straight to the node with its own nonce and fees; should a block slip in between the send and the
        // jump and mine it, the fault is tried again.
        await supervisor.hold(bridge, async () => {
          for (let attempt = 1; ; attempt++) {
            // From a base fee of 1 gwei (an earlier spike may still be decaying): 1,000 gwei then keeps the
            // transaction out of blocks for about 45 of them.
            await node.rpc("hardhat_setNextBlockBaseFeePerGas", ["0x3b9aca00"]);
            const start = await node.blockNumber();
            await waitFor("a block at the reset base fee", async () => (await node.blockNumber()) > start, 10_000);
            const nonce = await node.rpc<string>("eth_getTransactionCount", [bridgeAccount.address, "latest"]);
            const base = BigInt(
              (await node.rpc<{ baseFeePerGas: string }>("eth_getBlockByNumber", ["latest", false])).baseFeePerGas,
            );
            const hash = await node.rpc<string>("eth_sendTransaction", [
              {
                from: bridgeAccount.address,
                to: bridgeAccount.address,
                nonce,
                gas: "0x5208",
                maxFeePerGas: hex(2n * base + 1n),
                maxPriorityFeePerGas: "0x1",
              },
            ]);
            await node.rpc("hardhat_setNextBlockBaseFeePerGas", ["0xe8d4a51000"]);
            const block = await node.blockNumber();
            await waitFor(
              "a block after the base-fee jump",
              async () => (await node.blockNumber()) > block + 1,
              10_000,
            );
            if ((await node.rpc("eth_getTransactionReceipt", [hash])) === null) {
              stuck.push({ hash, nonce: Number(nonce) });
              break;
            }
            if (attempt === 3)
              throw new Error("stuck-tx: the transaction was mined before the base fee jumped, 3 times");
          }
        });
      } else return;
      count(fault);
    };
    const after = async (fault: Fault) => {
      if (fault !== "kill-keeper" && fault !== "kill-bridge") return;
      await sleep(rng.int(0, 1500));
      const victim = fault === "kill-bridge" ? bridge : rng.pick(keepers);
      await victim.stop("SIGKILL");
      count(fault);
    };

    const epochSeconds: number[] = [];
    for (let k = 0; k < epochs; k++) {
      const epochStarted = Date.now();
      const epoch = await placeOrders();
      log(`epoch ${epoch}: orders placed; faults: ${plan[k].join(", ")}`);
      for (const fault of plan[k]) await before(fault);
      interval = await jumpTo(Number(await d.trading.epochEnd(epoch)));
      await Promise.all(plan[k].map(after));
      await waitFor(
        `epoch ${epoch} settled and readings to ${interval}`,
        tolerant(async () => (await settled(epoch)) && (await caughtUp(interval))),
        180_000,
      );
      epochSeconds.push((Date.now() - epochStarted) / 1000);
      log(`epoch ${epoch}: settled, readings caught up (${epochSeconds[k].toFixed(1)} s)`);
    }

    log("one-hour outage: every service down while the chain mines an hour of one-second blocks");
    const outageEpoch = await placeOrders();
    await supervisor.pauseAll();
    const mining = Date.now();
    await node.mine(3600, 1);
    log(`  3600 blocks mined in ${((Date.now() - mining) / 1000).toFixed(1)} s`);
    const now = await chainTime();
    await headEnd.client.setClock(now);
    interval = now - (now % INTERVAL);
    const outageStarted = Date.now();
    supervisor.resumeAll();
    const catchUpMs = await waitFor(
      "the catch-up after the outage",
      tolerant(async () => (await settled(outageEpoch)) && (await caughtUp(interval))),
      180_000,
    );
    log(
      `caught up ${(catchUpMs / 1000).toFixed(1)} s after the services came back (${((Date.now() - outageStarted) / 1000).toFixed(1)} s)`,
    );

    log("checks from chain state and events");
    for (const epoch of traded) {
      const matched = await queryEvents(d.trading, d.trading.filters.EpochMatched(epoch), deployBlock);
      const closed = await queryEvents(d.trading, d.trading.filters.EpochSettled(epoch), deployBlock);
      assert.deepEqual(
        [matched.length, closed.length],
        [1, 1],
        `epoch ${epoch}: matched ${matched.length}, settled ${closed.length} times`,
      );
      assert.ok(await settled(epoch));
    }
    const audited = meters.map((m, i) => ({ serial: m.serial, meterId: meterIds[i], owner: m.owner.address }));
    const audit = await auditReadings(d, headEnd.client, audited, deployBlock, interval);
    const accepted = await queryEvents(d.oracleClient, d.oracleClient.filters.ReadingAccepted(), 0);
    const supply = accepted.reduce((sum, e) => sum + BigInt(e.args.minted) - BigInt(e.args.burned), 0n);
    const holders = [admin, keeperA, keeperB, bridgeAccount, p1, p2, c1, c2].map((s) => s.address);
    await auditConservation(d, holders, { gridSupply: supply, payment: 40_000_000n });
    for (const s of stuck) {
      assert.equal(await hre.ethers.provider.getTransactionReceipt(s.hash), null, `the stuck ${s.hash} was mined`);
      assert.ok((await hre.ethers.provider.getTransactionCount(bridgeAccount.address, "latest")) > s.nonce);
    }
    const races = keepers.reduce((n, k) => n + (k.output().match(/already done by someone else/g) ?? []).length, 0);
    const logged = (pattern: RegExp) =>
      [bridge, ...keepers].reduce((n, s) => n + (s.output().match(pattern) ?? []).length, 0);

    const figures = {
      node: kind,
      seed,
      "epochs traded (the one left open by the outage included)": traded.length,
      "epochs matched and settled exactly once": traded.length,
      "interval readings accepted": audit.accepted,
      "on-demand readings": audit.fulfilments,
      "stale copies rejected": audit.rejected,
      "GRID minted (Wh)": Number(audit.minted / WH),
      "faults injected": Object.fromEntries(injected),
      "what the proxies did": { ...rpcFaults.counts, ...headEndFaults.counts },
      "restarts by the supervisor": supervisor.restarts,
      "races lost by a keeper": races,
      "leftover transactions replaced at their nonce (checked)": stuck.length,
      "fee bumps of a stuck transaction": logged(/not mined after \d+ ms; replacing it|raising the fee cap/g),
      "node restarts from a dump (ms)": restartMs,
      "seconds per epoch (mean)": Number((epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length).toFixed(1)),
      "catch-up after a one-hour outage (s)": Number((catchUpMs / 1000).toFixed(1)),
      "run (s)": Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    console.log(JSON.stringify(figures, null, 2));
    ok = true;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rpcProxy.close();
    await node.stop();
    fs.rmSync(deploymentDir, { recursive: true, force: true });
    if (ok && !process.env.SOAK_KEEP_LOGS) fs.rmSync(dir, { recursive: true, force: true });
    else log(`logs: ${dir}`);
  }
  log("passed");
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`[soak] FAILED: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
