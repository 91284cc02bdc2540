import { readFileSync } from "node:fs";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { END_TO_END_BOOK, type MatchPoint, type Measurements, type ScalingRow } from "./types";

export const SNAPSHOT_PATH = "bench/gas-snapshot.json";
/** The first release's budget rows, as its snapshot recorded them (the "before" column). */
export const FIRST_RELEASE_PATH = "bench/first-release.json";
export const REPORT_PATH = "docs/PERFORMANCE.md";
/** A figure more than this much above the committed one fails the CI gate. */
export const TOLERANCE = 0.02;
/** The EVM's code size limits in bytes: deployed code (EIP-170) and init code (EIP-3860). */
export const SIZE_LIMITS = { deployed: 24_576, initcode: 49_152 } as const;

export interface BudgetRow {
  id: string;
  requirement: string;
  figure: number;
  budget: number;
  /** "gas", "calls" or "%" */
  unit: string;
  pass: boolean;
  note: string;
  /** The first release's row this one follows (its id, figure and budget), when there is one. */
  before?: { id: string; figure: number; budget: number; pass: boolean };
}

/** The first release's budget rows, by id. */
export interface FirstRelease {
  source: string;
  budgets: Record<string, { requirement: string; figure: number; budget: number; unit: string; pass: boolean }>;
}

export function readFirstRelease(): FirstRelease {
  return JSON.parse(readFileSync(FIRST_RELEASE_PATH, "utf8")) as FirstRelease;
}

export type SnapshotScalingRow = Omit<ScalingRow, "upkeeps"> & { upkeepGas: number[] };

/** The committed benchmark result. Only `metrics` is compared by the CI gate; the rest explains it. */
export interface Snapshot {
  environment: Record<string, string | number>;
  metrics: Record<string, number>;
  budgets: BudgetRow[];
  matchPoints: MatchPoint[];
  settlementSlices: { what: string; orders: number; gasUsed: number }[];
  scaling: SnapshotScalingRow[];
  endToEnd: SnapshotScalingRow;
  endToEndKeep: SnapshotScalingRow;
  flatness: { levels: number; orders: number[]; gasPerOrder: number[]; spread: number; growth: number }[];
}

export function buildSnapshot(hre: HardhatRuntimeEnvironment, m: Measurements): Snapshot {
  const solidity = hre.config.solidity.compilers[0];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hardhatVersion: string = require("hardhat/package.json").version;
  const strip = ({ upkeeps, ...row }: ScalingRow): SnapshotScalingRow => ({
    ...row,
    upkeepGas: upkeeps.map((u) => u.gasUsed),
  });
  const scaling = m.scaling.map(strip);
  const snapshot: Snapshot = {
    environment: {
      network: "hardhat (in-process)",
      hardfork: hre.config.networks.hardhat.hardfork,
      hardhat: hardhatVersion,
      solc: solidity.version,
      optimizerRuns: solidity.settings?.optimizer?.runs ?? 0,
      evmVersion: solidity.settings?.evmVersion ?? "default",
    },
    metrics: m.metrics,
    budgets: [],
    matchPoints: m.matchPoints,
    settlementSlices: m.settlementSlices,
    scaling,
    endToEnd: strip(m.endToEnd),
    endToEndKeep: strip(m.endToEndKeep),
    flatness: [],
  };
  return derive(snapshot);
}

/** Recomputes the derived parts (flatness, budget verdicts) from the measured ones. */
export function derive(snapshot: Snapshot): Snapshot {
  const flat = { ...snapshot, flatness: flatness(snapshot.scaling) };
  return { ...flat, budgets: evaluateBudgets(flat) };
}

/** Gas per order across book sizes at each level count: spread = max/min − 1, growth = largest/smallest book − 1. */
function flatness(rows: SnapshotScalingRow[]): Snapshot["flatness"] {
  const levels = [...new Set(rows.map((r) => r.levels))];
  return levels.map((l) => {
    const same = rows.filter((r) => r.levels === l).sort((a, b) => a.orders - b.orders);
    const gas = same.map((r) => r.gasPerOrder);
    return {
      levels: l,
      orders: same.map((r) => r.orders),
      gasPerOrder: gas,
      spread: round4(Math.max(...gas) / Math.min(...gas) - 1),
      growth: round4(gas[gas.length - 1] / gas[0] - 1),
    };
  });
}

/**
 * SPEC 10's performance table for the accounts release, each bar with its figure; `before` links a row to the first
 * release's row it follows (bench/first-release.json).
 */
function evaluateBudgets(s: Snapshot): BudgetRow[] {
  const g = (key: string): number => {
    const value = s.metrics[key];
    if (value === undefined) throw new Error(`budget needs metric ${key}`);
    return value;
  };
  const first = readFirstRelease().budgets;
  const rows: BudgetRow[] = [];
  const add = (
    id: string,
    requirement: string,
    figure: number,
    budget: number,
    unit: string,
    note: string,
    beforeId?: string,
  ) => {
    const old = beforeId === undefined ? undefined : first[beforeId];
    if (beforeId !== undefined && old === undefined) throw new Error(`no first-release row ${beforeId}`);
    const before = old && { id: beforeId!, figure: old.figure, budget: old.budget, pass: old.pass };
    rows.push({ id, requirement, figure, budget, unit, pass: figure <= budget, note, before });
  };
  const max = (...keys: string[]) => Math.max(...keys.map(g));

  add(
    "createOrder.fromAccount",
    "create one order from a market account, steady state",
    max("trading.createBuyOrder.steady", "trading.createSellOrder.steady"),
    60_000,
    "gas",
    "users deposited first; mean of 12 consecutive orders of one user (existing holder, level used, user already has an order in the epoch, slot of a settled order reused after 6 epochs of traffic); worse side",
  );
  add(
    "createOrder.fromAccount.max",
    "the same, the most expensive single steady-state order",
    max("trading.createBuyOrder.steadyMax", "trading.createSellOrder.steadyMax"),
    60_000,
    "gas",
    "the costliest of those 12",
  );
  add(
    "createOrders.perOrder",
    "several orders in one transaction (`createOrders`, 5 orders), per order",
    max("trading.createOrders.buy5.perOrder", "trading.createOrders.sell5.perOrder"),
    40_000,
    "gas",
    "users deposited first; gasUsed / 5, mean of 3 batches of one user after its first order in the epoch, level used; worse side",
  );
  add(
    "createOrder.fromWallet",
    "create one order, escrow pulled from the wallet (`createBuyOrder` / `createSellOrder`), steady state",
    max("trading.createBuyOrder.steadyFromWallet", "trading.createSellOrder.steadyFromWallet"),
    105_000,
    "gas",
    "users who never deposited (empty account, allowance given); mean of 12 consecutive orders after the user's first in the epoch; worse side",
    "createOrder.steady",
  );
  add(
    "createOrder.fromWallet.max",
    "the same, the most expensive single order",
    max("trading.createBuyOrder.steadyFromWalletMax", "trading.createSellOrder.steadyFromWalletMax"),
    105_000,
    "gas",
    "the costliest of those 12",
    "createOrder.steadyMax",
  );
  add(
    "cancelOrder",
    "`cancelOrder`, escrow back to the account",
    max("trading.cancelOrder.buy", "trading.cancelOrder.sell"),
    40_000,
    "gas",
    "an account user's order at a level that keeps other orders; worse side",
    "cancelOrder",
  );
  add(
    "matchOrders.perLevel",
    "`matchOrders`, per price level walked",
    g("trading.matchOrders.perLevel"),
    15_000,
    "gas",
    "least-squares slope over walks of 2, 20 and 200 adjacent levels",
    "matchOrders.perLevel",
  );
  add(
    "matchOrders.perLevelSpread",
    "`matchOrders`, per price level walked, levels spread over the whole price range",
    g("trading.matchOrders.perLevelSpread"),
    15_000,
    "gas",
    "slope from the walk of 2 levels to a walk of 200 levels 50 ticks apart (a depth slot each)",
    "matchOrders.perLevelSpread",
  );
  add(
    "matchOrders.fixedInCall",
    "`matchOrders`, fixed part, as a step of `performUpkeep`",
    g("trading.matchOrders.fixedInCall"),
    40_000,
    "gas",
    "the 2-level walk less two levels at the spread per-level cost, without the transaction's 21,000 and calldata (the standalone figure is in the operations table)",
    "matchOrders.fixedInCall",
  );
  add(
    "executeTrades.toAccount",
    "settlement per order credited to an account (full fill)",
    max("trading.executeTrades.fullFillSell", "trading.executeTrades.fullFillBuyKeeps"),
    12_000,
    "gas",
    "marginal cost in a batch: sells (proceeds to the account) and buys that keep bought GRID in the account; worse side",
    "executeTrades.fullFill",
  );
  add(
    "executeTrades.toAccount.worst",
    "settlement per order credited to an account, worst kind",
    max(
      "trading.executeTrades.fullFillSell",
      "trading.executeTrades.fullFillBuyKeeps",
      "trading.executeTrades.partialFillSell",
      "trading.executeTrades.unfilledBuy",
      "trading.executeTrades.unfilledSell",
    ),
    12_000,
    "gas",
    "worst of full, partial and unfilled orders whose whole outcome lands in the account",
    "executeTrades.worst",
  );
  add(
    "executeTrades.toWallet",
    "settlement per order that delivers GRID to an existing holder's wallet (full fill)",
    g("trading.executeTrades.fullFillBuy"),
    20_000,
    "gas",
    "marginal cost in a batch of buys above the clearing price (the default destination): GRID transferred to the wallet, the price difference credited to the account",
  );
  add(
    "executeTrades.toWallet.worst",
    "settlement per order that delivers GRID to an existing holder's wallet, worst kind",
    max("trading.executeTrades.fullFillBuy", "trading.executeTrades.partialFillBuy"),
    20_000,
    "gas",
    "worst of the full fill and the partial fill at the margin (GRID to the wallet, unfilled escrow to the account)",
  );
  const [orders] = END_TO_END_BOOK;
  add(
    "endToEnd.walletDelivery",
    `end to end per order on a ${orders}-order book, bought GRID delivered to the wallets (the default)`,
    g(`endToEnd.o${orders}.gasPerOrder`),
    75_000,
    "gas",
    `${orders} orders from ${orders} distinct existing holders trading from their accounts, cleared by performUpkeep`,
    "endToEnd",
  );
  add(
    "endToEnd.keepInAccount",
    `end to end per order on a ${orders}-order book, buyers keeping bought GRID in their accounts`,
    g(`endToEnd.o${orders}keep.gasPerOrder`),
    75_000,
    "gas",
    "the same book; the buyers chose `setKeepsBoughtGrid(true)` beforehand",
    "endToEnd",
  );
  add(
    "readings.batch100",
    "one meter reading inside a 100-reading `submitReadings` batch, mint included",
    g("oracle.submitReadings.batch100.perReading"),
    45_000,
    "gas",
    "100 meters with a baseline, owners already holding GRID",
    "readings.batch100",
  );
  add(
    "upkeep.calls",
    "an epoch of 1,000 orders over 100 price levels, matched and settled: `performUpkeep` calls",
    g("scaling.o1000.l100.upkeepCalls"),
    8,
    "calls",
    "default batch sizes, orders from accounts",
    "upkeep.calls",
  );
  add(
    "upkeep.largest",
    "the same: the largest `performUpkeep` call",
    g("scaling.o1000.l100.largestUpkeep"),
    4_500_000,
    "gas",
    "each call sent with a 5,000,000 gas limit",
    "upkeep.largest",
  );
  // The largest rise of gas per order from a smaller to a larger book at the same number of levels.
  const rises = s.flatness.flatMap((f) =>
    f.gasPerOrder.flatMap((small, i) => f.gasPerOrder.slice(i + 1).map((large) => large / small - 1)),
  );
  add(
    "flatness.growth",
    "gas per order from 10 to 1,000 orders per epoch: no cost grows with the book (largest rise from a smaller to a larger book)",
    round2(Math.max(...rises) * 100),
    0,
    "%",
    "over every pair of book sizes at 1, 10 and 100 levels; negative: larger books are cheaper per order",
    "flatness.growth",
  );
  for (const row of rows) if (!row.pass && FAIL_REASONS[row.id]) row.note += `. FAIL: ${FAIL_REASONS[row.id](g)}`;
  return rows;
}

/** Why a row misses its budget, from the figures (shown with the row when it fails). */
const FAIL_REASONS: Record<string, (g: (key: string) => number) => string> = {
  cancelOrder: (g) =>
    `a cancel must, at once (SPEC 8.2), read the epoch's book, the order, the level's depth and the account cold (4 × 2,100) and rewrite the order's cancelled flag, the depth and the account (3 × 2,900): with the 21,216 intrinsic gas that is 38,316 before the reentrancy guard (300), the OrderCancelled event (2,131) and the call's execution (${n(g("trading.cancelOrder.buy") - 38_316 - 300 - 2_131)}); 40,000 needs a cancel that touches fewer slots`,
  "executeTrades.toAccount": (g) =>
    `each order reads its slot and its owner's account cold, rewrites the account and emits OrderFilled (full sell ${n(g("trading.executeTrades.fullFillSell"))}, full buy keeping GRID ${n(g("trading.executeTrades.fullFillBuyKeeps"))})`,
  "executeTrades.toAccount.worst": (g) =>
    `the partial fill at the ask margin (${n(g("trading.executeTrades.partialFillSell"))}) is one order per epoch and side, measured as a 1-order call minus the fixed part of the full sells' calls: on top of a full fill it writes the margin's time-priority cut (a slot rewrite, 2,900); full and unfilled orders cost ${n(Math.max(g("trading.executeTrades.fullFillSell"), g("trading.executeTrades.fullFillBuyKeeps"), g("trading.executeTrades.unfilledBuy"), g("trading.executeTrades.unfilledSell")))} at most`,
  "executeTrades.toWallet": (g) =>
    `the GRID transfer to the wallet adds ${n(g("trading.executeTrades.fullFillBuy") - g("trading.executeTrades.fullFillBuyKeeps"))} to what keeping the GRID in the account costs (${n(g("trading.executeTrades.fullFillBuyKeeps"))})`,
  "executeTrades.toWallet.worst": (g) =>
    `the partial fill at the bid margin (${n(g("trading.executeTrades.partialFillBuy"))}) is one order per epoch, measured as a 1-order call minus the fixed part: on top of a full fill delivered to the wallet (${n(g("trading.executeTrades.fullFillBuy"))}) it writes the margin's time-priority cut (a slot rewrite, 2,900)`,
  "endToEnd.walletDelivery": (g) =>
    `create ${n(g("endToEnd.o200.createPerOrder"))} + clearing ${n(g("endToEnd.o200.clearingPerOrder"))} per order`,
  "endToEnd.keepInAccount": (g) =>
    `create ${n(g("endToEnd.o200keep.createPerOrder"))} + clearing ${n(g("endToEnd.o200keep.clearingPerOrder"))} per order: every order is its user's first in the epoch and each of the 10 levels has a first order, so creating costs more than the steady figure`,
};

const n = (x: number) => Math.round(x).toLocaleString("en-US");

/** JSON with object keys sorted at every level (arrays keep their order) and a final newline. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + "\n";
}

export function readSnapshot(path: string): Snapshot {
  return JSON.parse(readFileSync(path, "utf8")) as Snapshot;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
