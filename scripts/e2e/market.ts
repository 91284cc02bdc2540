// The end-to-end market: the operator CLI for a small market traded from market accounts (in this process,
// over JSON-RPC), the mock head-end, the AMI bridge and the keeper as separate processes, two participants placing
// their orders at the same time from processes of their own, and exact checks from chain state and events.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import { encodeBytes32String } from "ethers";

import { loadDeployment } from "../../lib/deployment";
import { EpochStatus, RequestStatus } from "../../lib/enums";
import { queryEvents } from "../../lib/events";
import { type LocalNode, freePort } from "../../lib/node";
import { output } from "../../lib/output";
import { hardhatCommand } from "../../lib/processes";
import { KWH, WH } from "../../lib/units";
import { auditConservation, auditReadings } from "./audit";
import {
  bridgeService,
  type HardhatRuntime,
  keeperService,
  localhostEnv,
  ROOT,
  startHeadEnd,
  type ServiceSettings,
  waitFor,
} from "./stack";

const INTERVAL = 900;

export interface MarketRun {
  hre: HardhatRuntime;
  node: LocalNode;
  dir: string;
  deploymentId: string;
  log: (message: string) => void;
  /** Registers a clean-up step (the services started here). */
  onStop: (stop: () => Promise<void>) => void;
}

/** A small market driven through the operator CLI and the services, over JSON-RPC. */
export async function market(r: MarketRun): Promise<void> {
  const { hre, node, log } = r;
  const printed: string[] = [];
  output.write = (line: string) => printed.push(line);
  const run = <T>(name: string, args: Record<string, unknown>) =>
    hre.run(name, { deploymentId: r.deploymentId, ...args }) as Promise<T>;
  const cli = (args: string[]) =>
    hardhatCommand(
      ROOT,
      [...args, "--network", "localhost", "--deployment-id", r.deploymentId],
      localhostEnv(node.url),
    );
  const chainTime = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;

  // One account per service: a service's sender replaces whatever is pending at its account's confirmed nonce.
  const [admin, alice, bob, carol, dave, erin, bridgeOperator, keeperOperator] = await hre.ethers.getSigners();
  const d = await loadDeployment(hre, { deploymentId: r.deploymentId });
  const deployBlock = await hre.ethers.provider.getBlockNumber();

  log("register users and meters (two of them on the head-end), a meter signer, the services' operators");
  await run("gridmarket:register-user", { account: alice.address, type: "prosumer", location: "North 7" });
  await run("gridmarket:register-user", { account: bob.address, type: "consumer", location: "South 2" });
  await run("gridmarket:register-user", { account: dave.address, type: "prosumer", location: "Library" });
  await run("gridmarket:register-user", { account: erin.address, type: "consumer", location: "Dorm 3" });
  await run("gridmarket:assign-meter", { meter: "E2E-MTR-ALICE", owner: alice.address });
  await run("gridmarket:assign-meter", { meter: "E2E-MTR-BOB", owner: bob.address });
  await run("gridmarket:assign-meter", { meter: "AMI-P001", owner: dave.address });
  await run("gridmarket:assign-meter", { meter: "AMI-C001", owner: erin.address });
  await run("gridmarket:set-meter-signer", { meter: "E2E-MTR-ALICE", signer: carol.address });
  for (const account of [bridgeOperator.address, keeperOperator.address]) {
    await run("gridmarket:add-oracle-operator", { account });
  }

  log("start the head-end (its clock at the chain's last metering interval), the bridge and the keeper");
  const t0 = (await chainTime()) - ((await chainTime()) % INTERVAL);
  const headEnd = await startHeadEnd(r.dir, await freePort(), { start: t0 - 12 * 3600, prosumers: 1, consumers: 1 });
  r.onStop(() => headEnd.service.stop());
  await headEnd.client.setClock(t0);
  const settings: ServiceSettings = {
    dir: r.dir,
    rpcUrl: node.url,
    deploymentId: r.deploymentId,
    from: bridgeOperator.address,
    stuckAfter: 10,
  };
  const bridge = bridgeService(settings, headEnd.url);
  const keeper = keeperService({ ...settings, from: keeperOperator.address });
  for (const service of [bridge, keeper]) {
    service.start();
    r.onStop(() => service.stop("SIGINT"));
  }
  const meterIds = ["AMI-P001", "AMI-C001"].map((serial) => encodeBytes32String(serial));
  const lastReadAt = async (meterId: string) => Number((await d.oracleClient.getMeterState(meterId)).lastReadAt);

  log("submit readings (CSV batch) and a request/fulfilment through the CLI");
  const now = BigInt(await chainTime());
  const csv = path.join(r.dir, "readings.csv");
  fs.writeFileSync(
    csv,
    [
      "meter,exportWh,importWh,readAt",
      `E2E-MTR-ALICE,10000,2000,${now - 3600n}`,
      `E2E-MTR-BOB,0,5000,${now - 3600n}`,
      `E2E-MTR-ALICE,14000,2000,${now - 1800n}`,
    ].join("\n"),
  );
  const outcomes = await run<{ accepted: boolean; minted: bigint }[]>("gridmarket:submit-readings", { file: csv });
  assert.deepEqual(
    outcomes.map((o) => [o.accepted, o.minted]),
    [
      [true, 0n],
      [true, 0n],
      [true, 4000n * WH],
    ],
  );
  const { requestId } = await run<{ requestId: bigint }>("gridmarket:request-data", {
    meter: "E2E-MTR-BOB",
    from: bob.address,
  });
  await run("gridmarket:fulfill-request", { requestId: String(requestId), exportWh: "0", importWh: "5200" });
  assert.equal(await d.gridToken.balanceOf(alice.address), 4n * KWH);
  await run("gridmarket:mint-payment-token", { to: bob.address, amount: "20" });

  const baselineMs = await waitFor(
    "the bridge's baselines",
    async () => (await lastReadAt(meterIds[0])) === t0 && (await lastReadAt(meterIds[1])) === t0,
    90_000,
  );
  log(`the bridge set both head-end meters' baselines (${(baselineMs / 1000).toFixed(1)} s after the CLI steps)`);

  log("market accounts: Bob deposits 5 USDC, Alice 1 kWh");
  await run("gridmarket:deposit", { token: "usdc", amount: "5", from: bob.address });
  await run("gridmarket:deposit", { token: "grid", amount: "1", from: alice.address });
  const usdc = d.payment.address;
  const grid = await d.gridToken.getAddress();
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 5_000_000n);
  assert.equal(await d.trading.accountBalance(alice.address, grid), KWH);

  log("move to the start of a fresh epoch (evm_increaseTime); Alice and Bob place orders from two processes at once");
  const epoch = (await d.trading.currentEpoch()) + 1n;
  await node.increaseTime(Number((await d.trading.epochStart(epoch)) - BigInt(await chainTime())));
  assert.equal(await d.trading.currentEpoch(), epoch);
  const placedFrom = await hre.ethers.provider.getBlockNumber();
  await Promise.all([
    cli(["gridmarket:place-orders", "--orders", "sell:3@0.18", "--from", alice.address]),
    cli(["gridmarket:place-orders", "--orders", "buy:2@0.24,buy:1@0.10", "--from", bob.address]),
  ]);
  // Alice's ask reserves 1 kWh from her account and pulls the 2 kWh shortfall from her wallet.
  assert.equal(await d.trading.accountBalance(alice.address, grid), 0n);
  assert.equal(await d.gridToken.balanceOf(alice.address), 1n * KWH);
  // Bob's bids reserve 0.48 + 0.10 USDC from his account; the cancel returns 0.10 to it.
  const bobs = await queryEvents(d.trading, d.trading.filters.OrderCreated(undefined, epoch, bob.address), placedFrom);
  assert.deepEqual(
    bobs.map((e) => [e.args.amount, e.args.price]),
    [
      [2n * KWH, 240_000n],
      [KWH, 100_000n],
    ],
  );
  await run("gridmarket:cancel-orders", { orderIds: String(bobs[1].args.orderId), from: bob.address });
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 4_520_000n);
  assert.equal(await d.paymentToken.balanceOf(bob.address), 15_000_000n);
  const status = await run<{ epochs: { bids: unknown[]; asks: unknown[] }[] }>("gridmarket:market-status", {});
  assert.deepEqual(status.epochs[0].bids, [{ price: 240_000n, quantity: 2n * KWH }]);
  assert.deepEqual(status.epochs[0].asks, [{ price: 180_000n, quantity: 3n * KWH }]);
  log("Erin asks for an on-demand reading of her meter");
  const { requestId: erinsRequest } = await run<{ requestId: bigint }>("gridmarket:request-data", {
    meter: "AMI-C001",
    from: erin.address,
  });

  const before = {
    aliceGrid: await d.gridToken.balanceOf(alice.address),
    bobGrid: await d.gridToken.balanceOf(bob.address),
    aliceUsdc: await d.paymentToken.balanceOf(alice.address),
    bobUsdc: await d.paymentToken.balanceOf(bob.address),
  };

  log("advance past gate closure and the head-end to the chain's time: the keeper and the bridge take it from there");
  await node.increaseTime(Number((await d.trading.epochEnd(epoch)) - BigInt(await chainTime())));
  // The head-end's clock a little past the interval: Erin's on-demand read is newer than the scheduled one.
  const t1 = (await chainTime()) - ((await chainTime()) % INTERVAL);
  await headEnd.client.setClock((await chainTime()) + 2);
  const settleMs = await waitFor(
    "the keeper to settle the epoch",
    async () => Number((await d.trading.getEpochResult(epoch)).status) === EpochStatus.Settled,
    60_000,
  );
  log(`the keeper process settled epoch ${epoch} ${(settleMs / 1000).toFixed(1)} s after gate closure`);
  await waitFor(
    "the bridge to catch up and answer Erin's request",
    async () =>
      (await lastReadAt(meterIds[0])) === t1 &&
      Number((await d.oracleClient.getRequest(erinsRequest)).status) === RequestStatus.Fulfilled,
    60_000,
  );

  // p = floor((0.24 + 0.18) / 2) = 0.21 USDC/kWh; 2 kWh trade. Bob escrowed 0.48, pays 0.42 and gets 0.06 back in
  // his account and 2 kWh in his wallet; Alice sold 2 of 3 kWh: 0.42 USDC and the unsold 1 kWh go to her account.
  const result = await d.trading.getEpochResult(epoch);
  assert.deepEqual([result.clearingPrice, result.volume], [210_000n, 2n * KWH]);
  assert.equal(await d.gridToken.balanceOf(alice.address), before.aliceGrid);
  assert.equal(await d.gridToken.balanceOf(bob.address), before.bobGrid + 2n * KWH);
  assert.equal(await d.paymentToken.balanceOf(alice.address), before.aliceUsdc);
  assert.equal(await d.paymentToken.balanceOf(bob.address), before.bobUsdc);
  const balances = await run<{ account: { grid: bigint; payment: bigint } }>("gridmarket:balance", {
    account: alice.address,
  });
  assert.deepEqual(balances.account, { grid: KWH, payment: 420_000n });
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 4_580_000n);
  assert.equal(await d.paymentToken.balanceOf(d.trading), 5_000_000n);
  assert.equal(await d.gridToken.balanceOf(d.trading), KWH);

  log("readings: every head-end interval reading on-chain exactly once, minted from the registers");
  const meters = [
    { serial: "AMI-P001", meterId: meterIds[0], owner: dave.address },
    { serial: "AMI-C001", meterId: meterIds[1], owner: erin.address },
  ];
  const audit = await auditReadings(d, headEnd.client, meters, deployBlock, t1);
  assert.equal(audit.fulfilments, 1);
  assert.equal(await d.gridToken.balanceOf(dave.address), audit.minted - audit.burned);
  log(
    `${audit.accepted} readings accepted (${audit.fulfilments} on demand), ${audit.rejected} rejected, ` +
      `${Number(audit.minted / WH)} Wh minted for the head-end's prosumer`,
  );

  log("withdraw: Bob all his USDC, Alice 0.42 USDC and all her GRID");
  await run("gridmarket:withdraw", { token: "usdc", all: true, from: bob.address });
  await run("gridmarket:withdraw", { token: "usdc", amount: "0.42", from: alice.address });
  await run("gridmarket:withdraw", { token: "grid", all: true, from: alice.address });
  assert.equal(await d.paymentToken.balanceOf(bob.address), 19_580_000n);
  assert.equal(await d.paymentToken.balanceOf(alice.address), before.aliceUsdc + 420_000n);
  assert.equal(await d.gridToken.balanceOf(alice.address), before.aliceGrid + KWH);
  assert.equal(await d.paymentToken.balanceOf(d.trading), 0n);
  assert.equal(await d.gridToken.balanceOf(d.trading), 0n);
  const accepted = await queryEvents(d.oracleClient, d.oracleClient.filters.ReadingAccepted(), deployBlock);
  const supply = accepted.reduce((sum, e) => sum + BigInt(e.args.minted) - BigInt(e.args.burned), 0n);
  const holders = [admin, alice, bob, carol, dave, erin, bridgeOperator, keeperOperator].map((s) => s.address);
  await auditConservation(d, holders, { gridSupply: supply, payment: 20_000_000n });

  log("the CLI as an operator runs it: a separate process reads the trade history");
  const history = await cli(["gridmarket:market-history", "--epoch", String(epoch)]);
  assert.match(history, /2 fill\(s\) in epoch/);
  assert.match(history, new RegExp(`${bob.address}\\s+Buy\\s+2 kWh\\s+0\\.21 USDC/kWh\\s+0\\.42 USDC`));
  assert.match(history, new RegExp(`${alice.address}\\s+Sell\\s+2 kWh\\s+0\\.21 USDC/kWh\\s+0\\.42 USDC`));
  assert.match(keeper.output(), new RegExp(`Settle epoch ${epoch}: stage done`));
  assert.match(bridge.output(), /request \d+|round: /);
}
