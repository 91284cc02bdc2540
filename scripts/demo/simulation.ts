// The demo's engine: deploys GridMarket through its Ignition module, registers a simulated campus, starts the
// mock AMI head-end and the AMI bridge, and runs one epoch after another:
//   1. the chain's clock moves to the start of the next 15-minute interval, and the head-end's clock with it;
//   2. the keeper (checkUpkeep/performUpkeep) clears and settles the epoch that just ended;
//   3. the bridge submits the interval's meter readings (GRID minted for export, burned for import);
//   4. the agents place their orders for the new epoch.
// It returns everything it saw; the report is computed from that (see report.ts).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import GridMarketModule from "../../deploy/modules/GridMarket";
import { AmiClient } from "../../lib/bridge/ami-client";
import { AmiBridge } from "../../lib/bridge/bridge";
import { contractPort, drainUpkeeps } from "../../lib/keeper";
import { RpcDriver } from "../../lib/rpc";
import { WH } from "../../lib/units";
import { Campus } from "../ami/campus";
import { AmiServer, startAmiServer } from "../ami/server";
import type { FillOutcome, Tariffs } from "./agents";
import { newEpochRecord, OrderLedger } from "./ledger";
import { connectDemoContracts, registerCampus, toUnits } from "./setup";
import { orderTx, Traders } from "./traders";
import { BalanceSheet, DemoOptions, DemoResult, EpochRecord, Participant } from "./types";

export interface Progress {
  step: number;
  steps: number;
  /** Unix time of the simulated campus clock. */
  time: number;
  /** Unix time of the campus day's midnight. */
  dayStart: number;
  lastPrice?: bigint;
  lastVolume?: bigint;
}

const UPKEEP_GAS = 12_000_000n;

export async function runDemo(
  hre: HardhatRuntimeEnvironment,
  options: DemoOptions,
  onProgress: (p: Progress) => void = () => undefined,
): Promise<DemoResult> {
  const t0 = Date.now();
  const driver = new RpcDriver(hre.network.provider);
  const [admin] = await hre.ethers.getSigners();
  const firstBlock = (await driver.blockNumber()) + 1;

  // ── Deploy through the production Ignition module ──────────────────────────────────────────────
  // The in-process network forgets each run; on a node, every run gets its own deployment (and its own campus).
  const deployed = await hre.ignition.deploy(
    GridMarketModule,
    hre.network.name === "hardhat" ? {} : { deploymentId: `gridmarket-demo-${Date.now()}` },
  );
  const addresses = {
    registry: await deployed.registry.getAddress(),
    gridToken: await deployed.gridToken.getAddress(),
    oracleClient: await deployed.oracleClient.getAddress(),
    trading: await deployed.trading.getAddress(),
    paymentToken: await deployed.paymentToken.getAddress(),
  };
  const { registry, grid, oracle, trading, usdc } = connectDemoContracts(addresses, admin);
  const deployMs = Date.now() - t0;

  const decimals = Number(await usdc.decimals());
  const tickSize = await trading.tickSize();
  const epochLength = Number(await trading.epochLength());
  const genesis = Number(await trading.genesis());
  const tariffs: Tariffs = {
    feedIn: (toUnits(options.feedIn, decimals) / tickSize) * tickSize,
    retail: (toUnits(options.retail, decimals) / tickSize) * tickSize,
    tickSize,
    minOrder: await trading.minOrderAmount(),
  };
  if (tariffs.feedIn <= 0n || tariffs.retail <= tariffs.feedIn || tariffs.retail > (await trading.maxPrice())) {
    throw new Error("tariffs must satisfy 0 < feed-in < retail <= the market's price cap");
  }

  const campusConfig = {
    seed: options.seed,
    prosumers: options.prosumers,
    consumers: options.consumers,
    latitude: options.latitude,
    dayOfYear: options.dayOfYear,
    intervalSeconds: epochLength,
    solarNoonHour: 13,
    weather: options.weather,
  };
  // The meters do not depend on the start time: set the campus up first, then start its day.
  const meters = new Campus({ ...campusConfig, start: 0 }).meters;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-demo-"));
  let ami: AmiServer | undefined;

  try {
    const {
      participants,
      utility,
      meterKeys,
      transactions: setupTransactions,
      gasUsed,
    } = await registerCampus(
      driver,
      { registry, grid, oracle, trading, usdc, addresses, admin: admin.address },
      meters,
      options,
      decimals,
    );
    let transactions = setupTransactions;
    let setupGas = gasUsed;
    const setupMs = Date.now() - t0 - deployMs;

    const balanceOf = async (token: string, account: string): Promise<bigint> =>
      BigInt(
        await driver.request<string>("eth_call", [
          { to: token, data: grid.interface.encodeFunctionData("balanceOf", [account]) },
          "latest",
        ]),
      );
    const sheet = async (p: Participant): Promise<BalanceSheet> => ({
      grid: await balanceOf(addresses.gridToken, p.address),
      payment: await balanceOf(addresses.paymentToken, p.address),
    });
    const initial: Record<string, BalanceSheet> = {};
    for (const p of participants) initial[p.address] = await sheet(p);

    // The campus day starts at the next epoch boundary: interval k of the head-end is epoch firstEpoch + k.
    const now = await driver.latestTimestamp();
    const start = genesis + (Math.floor((now - genesis) / epochLength) + 1) * epochLength;
    const firstEpoch = (start - genesis) / epochLength;
    // The campus clock's midnight lies `startHour` hours before the first epoch.
    const slot0 = Math.round((options.startHour * 3600) / epochLength);
    const dayStart = start - slot0 * epochLength;
    ami = await startAmiServer({ ...campusConfig, start: dayStart, clock: "manual", now: start - 1 });
    const campus = ami.campus;

    // ── Bridge ──────────────────────────────────────────────────────────────────────────────────────
    const bridge = new AmiBridge({
      oracle,
      registry,
      signer: admin,
      ami: new AmiClient(ami.url),
      statePath: path.join(stateDir, "bridge-state.json"),
      batchSize: 150,
      meterKeys,
      gasLimit: (n) => 200_000n + 90_000n * BigInt(n),
    });

    // ── Agents ──────────────────────────────────────────────────────────────────────────────────────
    const maxSurplus =
      BigInt(Math.ceil(campus.meters.reduce((s, m) => s + m.pvKwp, 0) * (epochLength / 3600) * 1000)) * WH;
    const traders = new Traders(participants, options.seed, tariffs, maxSurplus);
    let outcome = new Map<string, FillOutcome>();
    const metered: Record<string, { minted: bigint; burned: bigint }> = {};
    for (const p of participants) metered[p.address] = { minted: 0n, burned: 0n };
    const lastImportWh = new Map<string, number>();
    const serialToAddress = new Map(
      participants.filter((p) => p.serial).map((p) => [p.meterId!.toLowerCase(), p.address]),
    );

    // ── The day ─────────────────────────────────────────────────────────────────────────────────────
    const epochs: EpochRecord[] = [];
    const ledger = new OrderLedger(trading, utility.address);
    const simStart = Date.now();
    for (let k = 0; k <= options.epochs; k++) {
      const tk = start + k * epochLength;
      await driver.request("evm_mine", [tk + 1]);
      await ami.clock.set(tk + 1);

      // Keeper: clear and settle the epoch that just ended.
      const keeperReceipts = await drainUpkeeps(
        contractPort(oracle, async (performData) => {
          const [receipt] = await driver.batch([
            {
              from: admin.address,
              to: addresses.oracleClient,
              data: oracle.interface.encodeFunctionData("performUpkeep", [performData]),
              gas: UPKEEP_GAS,
              label: `performUpkeep (step ${k})`,
            },
          ]);
          return receipt;
        }),
        200,
      );
      const keeperGas = keeperReceipts.reduce((sum, r) => sum + BigInt(r.gasUsed), 0n);
      const upkeeps = keeperReceipts.length;
      transactions += upkeeps;
      const prev = k > 0 ? epochs[k - 1] : undefined;
      const progress = () =>
        onProgress({
          step: k,
          steps: options.epochs,
          time: tk,
          dayStart,
          lastPrice: prev?.clearingPrice,
          lastVolume: prev?.volume,
        });
      outcome = ledger.settle(keeperReceipts, prev);
      if (prev !== undefined) {
        prev.gas.keeper = keeperGas;
        prev.upkeeps = upkeeps;
        prev.status = Number((await trading.getEpochResult(prev.epoch)).status);
      }

      // Bridge: the readings at tk (baseline at k = 0, interval k-1 afterwards).
      const round = await bridge.step();
      transactions += round.transactions;
      for (const r of round.readings) {
        const owner = serialToAddress.get(r.meterId.toLowerCase())!;
        metered[owner].minted += r.minted;
        metered[owner].burned += r.burned;
      }
      if (prev !== undefined) {
        prev.gas.readings = round.gasUsed;
        for (const r of round.readings) {
          prev.minted += r.minted;
          prev.burned += r.burned;
          if (r.accepted) prev.readingsAccepted++;
          else prev.readingsRejected++;
        }
      } else {
        setupGas += round.gasUsed;
      }
      if (k === options.epochs) {
        progress();
        break;
      }

      // Interval k's physical data (for the report; the agents only see last interval's import).
      const interval = campus.interval(slot0 + k);
      if (slot0 + k > 0) {
        const last = campus.interval(slot0 + k - 1);
        campus.meters.forEach((m, i) => {
          lastImportWh.set(
            serialToAddress.get(m.meterId.toLowerCase())!,
            Math.max(last.consumptionWh[i] - last.generationWh[i], 0),
          );
        });
      }
      const record = newEpochRecord(k, firstEpoch + k, tk, interval);
      epochs.push(record);

      // Agents: decide on what they hold now, place all orders in one block.
      const planned = await traders.plan({
        gridBalance: (account) => balanceOf(addresses.gridToken, account),
        paymentBalance: (account) => balanceOf(addresses.paymentToken, account),
        lastImportWh,
        outcome,
        supplyLastEpoch: prev === undefined || prev.sellOrders > 0,
      });
      const receipts = await driver.batch(planned.map(({ p, order }) => orderTx(trading, addresses.trading, p, order)));
      transactions += receipts.length;
      ledger.place(receipts, record);
      progress();
    }

    const final: Record<string, BalanceSheet> = {};
    for (const p of participants) final[p.address] = await sheet(p);
    const sun = campus.sun(0);
    return {
      options,
      addresses,
      paymentDecimals: decimals,
      tickSize,
      feedIn: tariffs.feedIn,
      retail: tariffs.retail,
      start: dayStart,
      sunrise: sun.sunrise,
      sunset: sun.sunset,
      weather: campus.sky(0).weather,
      participants,
      epochs,
      fills: ledger.fills,
      metered,
      initial,
      final,
      escrow: {
        grid: await balanceOf(addresses.gridToken, addresses.trading),
        payment: await balanceOf(addresses.paymentToken, addresses.trading),
      },
      setupGas,
      transactions,
      blocks: { first: firstBlock, last: await driver.blockNumber() },
      timings: { deployMs, setupMs, simulateMs: Date.now() - simStart },
    };
  } finally {
    await ami?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
