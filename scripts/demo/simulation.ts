// The demo's engine: deploys GridMarket through its Ignition module, registers a simulated campus, starts the
// mock AMI head-end and the AMI bridge, and runs one epoch after another:
//   1. the chain's clock moves to the start of the next 15-minute interval, and the head-end's clock with it;
//   2. the keeper (checkUpkeep/performUpkeep) clears and settles the epoch that just ended;
//   3. a prosumer whose wallet holds less GRID than its meter imported in the interval tops the wallet up from
//      its market account (unsold GRID returns to the account, and readings burn from the wallet only);
//   4. the bridge submits the interval's meter readings (GRID minted for export, burned for import);
//   5. the agents place their orders for the new epoch, trading from their market accounts.
// At the end of the day everybody withdraws the free balances of its market account.
// It returns everything it saw; the report is computed from that (see report.ts).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import GridMarketModule from "../../deploy/modules/GridMarket";
import { AmiClient } from "../../lib/bridge/ami-client";
import { AmiBridge } from "../../lib/bridge/bridge";
import { contractPort, drainUpkeeps, MAX_PERFORM_GAS } from "../../lib/keeper";
import { type RawReceipt, RpcDriver, type TxRequest } from "../../lib/rpc";
import { WH } from "../../lib/units";
import { Campus } from "../ami/campus";
import { AmiServer, startAmiServer } from "../ami/server";
import type { FillOutcome, Tariffs } from "./agents";
import { newEpochRecord, OrderLedger } from "./ledger";
import { connectDemoContracts, deployedAddresses, registerCampus, toUnits } from "./setup";
import { ordersTx, Traders } from "./traders";
import { AccountFlows, BalanceSheet, DemoOptions, DemoResult, EpochRecord, Participant } from "./types";

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

/** Gas limit per `performUpkeep`: the `maxPerformGas` of Chainlink Automation's registries. */
export const UPKEEP_GAS = MAX_PERFORM_GAS;
const WITHDRAW_GAS = 200_000n;

/** Hooks for a live run (`npm run demo -- --serve`): the campus is ready; an epoch's orders are in. */
export interface DemoHooks {
  /** Called once the campus is registered, with the Ignition deployment id (on a node) and the participants. */
  onCampus?(campus: { deploymentId?: string; participants: Participant[] }): Promise<void>;
  /** Called after the agents placed epoch `k`'s orders (`tk`: its start); may take real time (pacing). */
  afterOrders?(k: number, tk: number, epochLength: number): Promise<void>;
}

export async function runDemo(
  hre: HardhatRuntimeEnvironment,
  options: DemoOptions,
  onProgress: (p: Progress) => void = () => undefined,
  hooks: DemoHooks = {},
): Promise<DemoResult> {
  const t0 = Date.now();
  const driver = new RpcDriver(hre.network.provider);
  const [admin] = await hre.ethers.getSigners();
  const firstBlock = (await driver.blockNumber()) + 1;

  // ── Deploy through the production Ignition module ──────────────────────────────────────────────
  // The in-process network forgets each run; on a node, every run gets its own deployment (and its own campus).
  const deploymentId = hre.network.name === "hardhat" ? undefined : `gridmarket-demo-${Date.now()}`;
  const deployed = await hre.ignition.deploy(GridMarketModule, deploymentId === undefined ? {} : { deploymentId });
  const addresses = await deployedAddresses(deployed);
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
      gasBy,
      deposits,
    } = await registerCampus(
      driver,
      { registry, grid, oracle, trading, usdc, addresses, admin: admin.address },
      meters,
      options,
      decimals,
    );
    await hooks.onCampus?.({ deploymentId, participants });
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
    const accountOf = async (token: string, account: string): Promise<bigint> =>
      BigInt(
        await driver.request<string>("eth_call", [
          { to: addresses.trading, data: trading.interface.encodeFunctionData("accountBalance", [account, token]) },
          "latest",
        ]),
      );
    // What an agent holds: its wallet and the free balance of its market account.
    const holding = async (token: string, account: string): Promise<bigint> =>
      (await balanceOf(token, account)) + (await accountOf(token, account));
    const accounts: Record<string, AccountFlows> = {};
    for (const p of participants) {
      accounts[p.address] = {
        deposited: deposits.get(p.address) ?? 0n,
        pulled: { grid: 0n, payment: 0n },
        coverWithdrawn: 0n,
        withdrawn: { grid: 0n, payment: 0n },
        gas: gasBy.get(p.address) ?? 0n,
      };
    }
    const participantSetupGas = [...gasBy.values()].reduce((a, b) => a + b, 0n);
    const chargeGas = (receipts: RawReceipt[]) => {
      for (const r of receipts) {
        const flows = Object.entries(accounts).find(([a]) => a.toLowerCase() === r.from.toLowerCase())?.[1];
        if (flows !== undefined) flows.gas += BigInt(r.gasUsed);
      }
    };
    const withdrawTx = (from: string, token: string, amount: bigint, label: string): TxRequest => ({
      from,
      to: addresses.trading,
      data: trading.interface.encodeFunctionData("withdraw", [token, amount]),
      gas: WITHDRAW_GAS,
      label,
    });
    // A participant's position: its wallet and its market account (empty again at the end of the day).
    const sheet = async (p: Participant): Promise<BalanceSheet> => ({
      grid: await holding(addresses.gridToken, p.address),
      payment: await holding(addresses.paymentToken, p.address),
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

      // Prosumers: a meter's import is burned from the wallet only. Unsold GRID came back to the account at
      // settlement, so a building whose wallet holds less than its meter imported in the interval (its own
      // meter shows it) withdraws the missing GRID first, and the reading burns what it would have burned
      // had the GRID come back to the wallet.
      if (prev !== undefined) {
        const covers: TxRequest[] = [];
        const amounts: { p: Participant; amount: bigint }[] = [];
        for (const p of participants) {
          if (p.serial === undefined) continue;
          const imported =
            BigInt(
              campus.registersAt(p.serial, slot0 + k).importWh - campus.registersAt(p.serial, slot0 + k - 1).importWh,
            ) * WH;
          if (imported === 0n) continue;
          const wallet = await balanceOf(addresses.gridToken, p.address);
          if (wallet >= imported) continue;
          const free = await accountOf(addresses.gridToken, p.address);
          // Whole Wh, as accounts hold GRID: a wallet that a burn left its last base unit still needs the import.
          const short = ((imported - wallet + WH - 1n) / WH) * WH;
          const amount = free < short ? free : short;
          if (amount === 0n) continue;
          covers.push(withdrawTx(p.address, addresses.gridToken, amount, `cover import ${p.label}`));
          amounts.push({ p, amount });
        }
        const coverReceipts = await driver.batch(covers);
        chargeGas(coverReceipts);
        transactions += coverReceipts.length;
        prev.gas.accounts = coverReceipts.reduce((sum, r) => sum + BigInt(r.gasUsed), 0n);
        prev.coverWithdrawals = amounts.length;
        for (const { p, amount } of amounts) {
          prev.coverWithdrawn += amount;
          accounts[p.address].coverWithdrawn += amount;
        }
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
      const planned = await traders.planByParticipant({
        // Whole Wh: orders trade whole Wh, and the base unit a burn leaves in a wallet is not for sale.
        gridBalance: async (account) => ((await holding(addresses.gridToken, account)) / WH) * WH,
        paymentBalance: (account) => holding(addresses.paymentToken, account),
        lastImportWh,
        outcome,
        supplyLastEpoch: prev === undefined || prev.sellOrders > 0,
      });
      const receipts = await driver.batch(
        planned.map(({ p, orders }) => ordersTx(trading, addresses.trading, p, orders)),
      );
      transactions += receipts.length;
      chargeGas(receipts);
      for (const pull of ledger.place(receipts, record)) {
        const side = pull.token.toLowerCase() === addresses.gridToken.toLowerCase() ? "grid" : "payment";
        accounts[pull.owner].pulled[side] += pull.amount;
      }
      progress();
      await hooks.afterOrders?.(k, tk, epochLength);
    }

    // ── End of the day: everybody withdraws the free balances of its market account ─────────────────
    const feeRecipient = await trading.feeRecipient();
    const closing: TxRequest[] = [];
    const closed: { who: string; side: keyof BalanceSheet; amount: bigint }[] = [];
    for (const who of [...participants.map((p) => p.address), feeRecipient]) {
      for (const [side, token] of [
        ["payment", addresses.paymentToken],
        ["grid", addresses.gridToken],
      ] as const) {
        const free = await accountOf(token, who);
        if (free === 0n) continue;
        closing.push(withdrawTx(who, token, free, `withdraw ${side} ${who}`));
        closed.push({ who, side, amount: free });
      }
    }
    const closeReceipts = await driver.batch(closing);
    chargeGas(closeReceipts);
    transactions += closeReceipts.length;
    const closeGas = closeReceipts.reduce((sum, r) => sum + BigInt(r.gasUsed), 0n);
    const feeWithdrawn: BalanceSheet = { grid: 0n, payment: 0n };
    for (const { who, side, amount } of closed) {
      if (accounts[who] !== undefined) accounts[who].withdrawn[side] += amount;
      else feeWithdrawn[side] += amount;
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
      participantSetupGas,
      closeGas,
      feeRecipient: { address: feeRecipient, withdrawn: feeWithdrawn },
      accounts,
      transactions,
      blocks: { first: firstBlock, last: await driver.blockNumber() },
      timings: { deployMs, setupMs, simulateMs: Date.now() - simStart },
    };
  } finally {
    await ami?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
