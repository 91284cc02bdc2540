import { readFileSync } from "node:fs";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { END_TO_END_BOOK, type MatchPoint, type Measurements, type ScalingRow } from "./types";

export const SNAPSHOT_PATH = "bench/gas-snapshot.json";
export const REPORT_PATH = "docs/PERFORMANCE.md";
/** A figure more than this much above the committed one fails the CI gate. */
export const TOLERANCE = 0.02;
export const CONTRACT_SIZE_LIMIT = 24_576;
export const INITCODE_SIZE_LIMIT = 49_152;

export interface BudgetRow {
  id: string;
  requirement: string;
  figure: number;
  budget: number;
  /** "gas", "calls" or "%" */
  unit: string;
  pass: boolean;
  note: string;
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

/** SPEC 10's performance table, each bar with its figure. */
function evaluateBudgets(s: Snapshot): BudgetRow[] {
  const g = (key: string): number => {
    const value = s.metrics[key];
    if (value === undefined) throw new Error(`budget needs metric ${key}`);
    return value;
  };
  const rows: BudgetRow[] = [];
  const add = (id: string, requirement: string, figure: number, budget: number, unit: string, note: string) =>
    rows.push({ id, requirement, figure, budget, unit, pass: figure <= budget, note });

  add(
    "createOrder.steady",
    "`createBuyOrder` / `createSellOrder` including the escrow transfer, steady state",
    Math.max(g("trading.createBuyOrder.steady"), g("trading.createSellOrder.steady")),
    110_000,
    "gas",
    "mean of 12 consecutive orders of one user (existing holder, level used, user already has an order in the epoch); worse side",
  );
  add(
    "createOrder.steadyMax",
    "the same, the most expensive single steady-state order",
    Math.max(g("trading.createBuyOrder.steadyMax"), g("trading.createSellOrder.steadyMax")),
    110_000,
    "gas",
    "one order in three also moves the user's two newest order ids with itself into a new storage word",
  );
  add(
    "cancelOrder",
    "`cancelOrder`",
    Math.max(g("trading.cancelOrder.buy"), g("trading.cancelOrder.sell")),
    60_000,
    "gas",
    "escrow returned to an existing holder; worse side",
  );
  add(
    "matchOrders.perLevel",
    "`matchOrders`, per price level walked",
    g("trading.matchOrders.perLevel"),
    15_000,
    "gas",
    "least-squares slope over walks of 2, 20 and 200 adjacent levels",
  );
  add(
    "matchOrders.perLevelSpread",
    "`matchOrders`, per price level walked, levels spread over the whole price range",
    g("trading.matchOrders.perLevelSpread"),
    15_000,
    "gas",
    "200 levels 50 ticks apart, fixed part as fitted",
  );
  add(
    "matchOrders.fixed",
    "`matchOrders`, fixed part",
    g("trading.matchOrders.fixed"),
    40_000,
    "gas",
    "intercept of the fit, including the 21,000 intrinsic gas of the transaction",
  );
  add(
    "matchOrders.fixedInCall",
    "`matchOrders`, fixed part, as a step of `performUpkeep` (without the transaction's intrinsic gas)",
    g("trading.matchOrders.fixedInCall"),
    40_000,
    "gas",
    "the intercept above minus 21,000 and the calldata: what matchOrders adds to the keeper's call",
  );
  add(
    "executeTrades.fullFill",
    "`executeTrades`, per settled order, full fill",
    Math.max(g("trading.executeTrades.fullFillBuy"), g("trading.executeTrades.fullFillSell")),
    35_000,
    "gas",
    "marginal cost in a batch, to existing holders; worse side (a buyer above the clearing price also gets a refund)",
  );
  add(
    "executeTrades.worst",
    "`executeTrades`, per settled order, worst case (partial fill with refund)",
    Math.max(
      ...["fullFillBuy", "fullFillSell", "partialFillBuy", "partialFillSell", "unfilledBuy", "unfilledSell"].map((k) =>
        g(`trading.executeTrades.${k}`),
      ),
    ),
    50_000,
    "gas",
    "worst of full, partial and unfilled orders on both sides, to existing holders",
  );
  const [orders] = END_TO_END_BOOK;
  add(
    "endToEnd",
    `end to end per order on a ${orders}-order book (create + its share of matching + settlement)`,
    g(`endToEnd.o${orders}.gasPerOrder`),
    130_000,
    "gas",
    `${orders} orders from ${orders} distinct existing holders, cleared by performUpkeep`,
  );
  add(
    "readings.batch100",
    "one meter reading inside a 100-reading `submitReadings` batch, mint included",
    g("oracle.submitReadings.batch100.perReading"),
    45_000,
    "gas",
    "100 meters with a baseline, owners already holding GRID",
  );
  add(
    "upkeep.calls",
    "an epoch of 1,000 orders over 100 price levels, matched and settled: `performUpkeep` calls",
    g("scaling.o1000.l100.upkeepCalls"),
    15,
    "calls",
    "default batch sizes",
  );
  add(
    "upkeep.largest",
    "the same: the largest `performUpkeep` call",
    g("scaling.o1000.l100.largestUpkeep"),
    4_500_000,
    "gas",
    "each call sent with a 5,000,000 gas limit",
  );
  const worstSpread = Math.max(...s.flatness.map((f) => f.spread));
  // The largest rise of gas per order from a smaller to a larger book at the same number of levels.
  const rises = s.flatness.flatMap((f) =>
    f.gasPerOrder.flatMap((small, i) => f.gasPerOrder.slice(i + 1).map((large) => large / small - 1)),
  );
  add(
    "flatness",
    "gas per order from 10 to 1,000 orders per epoch, flat within 5%",
    round2(worstSpread * 100),
    5,
    "%",
    "largest (max/min − 1) over the book sizes measured at 1, 10 and 100 levels; see the scaling section",
  );
  add(
    "flatness.growth",
    "supplementary: no cost grows with the book — largest rise of gas per order from a smaller to a larger book",
    round2(Math.max(...rises) * 100),
    5,
    "%",
    "over every pair of book sizes at 1, 10 and 100 levels; negative: larger books are cheaper per order",
  );
  return rows;
}

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
