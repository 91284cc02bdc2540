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
import { type RawReceipt, RpcDriver } from "../../lib/rpc";
import { parseEvents } from "../../lib/tx";
import { WH } from "../../lib/units";
import {
  GridToken__factory,
  MockUSDC__factory,
  OracleClient__factory,
  Registry__factory,
  type Trading,
  Trading__factory,
} from "../../typechain-types";
import { Campus } from "../ami/campus";
import { AmiServer, startAmiServer } from "../ami/server";
import { ConsumerAgent, FillOutcome, PlannedOrder, ProsumerAgent, Tariffs, UtilityAgent } from "./agents";
import { registerCampus, toUnits } from "./setup";
import { BalanceSheet, DemoOptions, DemoResult, EpochRecord, FillRecord, Participant } from "./types";

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

const ORDER_GAS = 400_000n;
const UPKEEP_GAS = 12_000_000n;

/** The decoded events of `contract` in `receipts`. */
function eventsIn(receipts: RawReceipt[], contract: Trading) {
  return parseEvents(
    receipts.flatMap((r) => r.logs),
    contract,
  );
}

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
  const registry = Registry__factory.connect(addresses.registry, admin);
  const grid = GridToken__factory.connect(addresses.gridToken, admin);
  const oracle = OracleClient__factory.connect(addresses.oracleClient, admin);
  const trading = Trading__factory.connect(addresses.trading, admin);
  const usdc = MockUSDC__factory.connect(addresses.paymentToken, admin);
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
    const prosumerAgents = new Map<string, ProsumerAgent>();
    const consumerAgents = new Map<string, ConsumerAgent>();
    for (const p of participants) {
      if (p.role === "prosumer") prosumerAgents.set(p.address, new ProsumerAgent(options.seed, p.serial!));
      if (p.role === "consumer") consumerAgents.set(p.address, new ConsumerAgent(options.seed, p.serial!));
    }
    const utilityAgent = new UtilityAgent();
    const maxSurplus =
      BigInt(Math.ceil(campus.meters.reduce((s, m) => s + m.pvKwp, 0) * (epochLength / 3600) * 1000)) * WH;
    const outcome = new Map<string, FillOutcome>();
    const metered: Record<string, { minted: bigint; burned: bigint }> = {};
    for (const p of participants) metered[p.address] = { minted: 0n, burned: 0n };
    const lastImportWh = new Map<string, number>();
    const serialToAddress = new Map(
      participants.filter((p) => p.serial).map((p) => [p.meterId!.toLowerCase(), p.address]),
    );

    // ── The day ─────────────────────────────────────────────────────────────────────────────────────
    const epochs: EpochRecord[] = [];
    const fills: FillRecord[] = [];
    const orders = new Map<string, { owner: string; side: "buy" | "sell"; amount: bigint; price: bigint }>();
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
      outcome.clear();
      for (const ev of eventsIn(keeperReceipts, trading)) {
        if (ev.name === "EpochMatched" && prev !== undefined && Number(ev.args.epoch) === prev.epoch) {
          prev.clearingPrice = ev.args.clearingPrice as bigint;
          prev.volume = ev.args.volume as bigint;
        } else if (ev.name === "OrderFilled") {
          const id = (ev.args.orderId as bigint).toString();
          const o = orders.get(id)!;
          const filled = ev.args.filled as bigint;
          fills.push({
            orderId: id,
            epoch: Number(ev.args.epoch),
            owner: ev.args.owner as string,
            side: o.side,
            amount: o.amount,
            limitPrice: o.price,
            filled,
            clearingPrice: ev.args.clearingPrice as bigint,
            payment: ev.args.payment as bigint,
            fee: ev.args.fee as bigint,
            refund: ev.args.refund as bigint,
          });
          if (o.owner !== utility.address) {
            outcome.set(o.owner, filled === 0n ? "none" : filled === o.amount ? "full" : "partial");
          }
        }
      }
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
        onProgress({
          step: k,
          steps: options.epochs,
          time: tk,
          dayStart,
          lastPrice: prev?.clearingPrice,
          lastVolume: prev?.volume,
        });
        break;
      }

      // Interval k's physical data (for the report; the agents only see last interval's import).
      const interval = campus.interval(slot0 + k);
      let exportWh = 0;
      let importWh = 0;
      campus.meters.forEach((_m, i) => {
        exportWh += Math.max(interval.generationWh[i] - interval.consumptionWh[i], 0);
        importWh += Math.max(interval.consumptionWh[i] - interval.generationWh[i], 0);
      });
      if (slot0 + k > 0) {
        const last = campus.interval(slot0 + k - 1);
        campus.meters.forEach((m, i) => {
          lastImportWh.set(
            serialToAddress.get(m.meterId.toLowerCase())!,
            Math.max(last.consumptionWh[i] - last.generationWh[i], 0),
          );
        });
      }
      const record: EpochRecord = {
        index: k,
        epoch: firstEpoch + k,
        start: tk,
        generationWh: interval.generationWh.reduce((s, x) => s + x, 0),
        consumptionWh: interval.consumptionWh.reduce((s, x) => s + x, 0),
        exportWh,
        importWh,
        minted: 0n,
        burned: 0n,
        readingsAccepted: 0,
        readingsRejected: 0,
        buyOrders: 0,
        sellOrders: 0,
        bidVolume: 0n,
        askVolume: 0n,
        clearingPrice: 0n,
        volume: 0n,
        status: 0,
        gas: { orders: 0n, readings: 0n, keeper: 0n },
        upkeeps: 0,
      };
      epochs.push(record);

      // Agents: decide on what they hold now, place all orders in one block.
      const planned: { p: Participant; order: PlannedOrder }[] = [];
      for (const p of participants) {
        if (p.role === "prosumer") {
          const order = prosumerAgents.get(p.address)!.decide(
            {
              gridBalance: await balanceOf(addresses.gridToken, p.address),
              lastImportWh: lastImportWh.get(p.address) ?? 0,
              lastOutcome: outcome.get(p.address) ?? "idle",
            },
            tariffs,
          );
          if (order) planned.push({ p, order });
        } else if (p.role === "consumer") {
          const order = consumerAgents.get(p.address)!.decide(
            {
              gridBalance: await balanceOf(addresses.gridToken, p.address),
              paymentBalance: await balanceOf(addresses.paymentToken, p.address),
              lastImportWh: lastImportWh.get(p.address) ?? 0,
              lastOutcome: outcome.get(p.address) ?? "idle",
              supplyLastEpoch: prev === undefined || prev.sellOrders > 0,
            },
            tariffs,
          );
          if (order) planned.push({ p, order });
        } else {
          const view = { ...(await sheet(p)), maxSurplus };
          for (const order of utilityAgent.decide(
            { gridBalance: view.grid, paymentBalance: view.payment, maxSurplus },
            tariffs,
          )) {
            planned.push({ p, order });
          }
        }
      }
      const receipts = await driver.batch(
        planned.map(({ p, order }) => ({
          from: p.address,
          to: addresses.trading,
          data:
            order.side === "buy"
              ? trading.interface.encodeFunctionData("createBuyOrder", [order.amount, order.price])
              : trading.interface.encodeFunctionData("createSellOrder", [order.amount, order.price]),
          gas: ORDER_GAS,
          label: `${order.side} ${p.label}`,
        })),
      );
      transactions += receipts.length;
      for (const ev of eventsIn(receipts, trading)) {
        if (ev.name !== "OrderCreated") continue;
        const side = Number(ev.args.side) === 0 ? "buy" : "sell";
        orders.set((ev.args.orderId as bigint).toString(), {
          owner: ev.args.owner as string,
          side,
          amount: ev.args.amount as bigint,
          price: ev.args.price as bigint,
        });
        if (Number(ev.args.epoch) !== record.epoch)
          throw new Error(`order landed in epoch ${ev.args.epoch}, not ${record.epoch}`);
        if (side === "buy") {
          record.buyOrders++;
          record.bidVolume += ev.args.amount as bigint;
        } else {
          record.sellOrders++;
          record.askVolume += ev.args.amount as bigint;
        }
      }
      record.gas.orders = receipts.reduce((s, r) => s + BigInt(r.gasUsed), 0n);
      onProgress({
        step: k,
        steps: options.epochs,
        time: tk,
        dayStart,
        lastPrice: prev?.clearingPrice,
        lastVolume: prev?.volume,
      });
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
      fills,
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
