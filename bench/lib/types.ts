// What the benchmark measures: the books it runs and the shape of its results (no chain access here).
import type { RpcDriver } from "../../lib/rpc";

/** Scaling books: (orders, price levels). 10 orders cannot span 100 levels. */
export const SCALING_BOOKS: [number, number][] = [
  [10, 1],
  [10, 10],
  [100, 1],
  [100, 10],
  [100, 100],
  [1000, 1],
  [1000, 10],
  [1000, 100],
];
export const END_TO_END_BOOK: [number, number] = [200, 10];

export interface MatchPoint {
  layout: "dense" | "spread";
  levelsPerSide: number;
  levelsWalked: number;
  gasUsed: number;
}

export interface ScalingRow {
  orders: number;
  levels: number;
  createGas: number;
  clearingGas: number;
  totalGas: number;
  gasPerOrder: number;
  createPerOrder: number;
  clearingPerOrder: number;
  upkeepCalls: number;
  largestUpkeep: number;
  upkeeps: { gasUsed: number; work: string; hash: string }[];
}

export interface Measurements {
  /** Gas (and bytes) per metric key; every one is "lower is better". */
  metrics: Record<string, number>;
  /** The transaction behind each metric measured on a single transaction (for gas breakdowns). */
  transactions: Record<string, string>;
  chain: RpcDriver;
  labels: Record<string, string>;
  matchPoints: MatchPoint[];
  settlementSlices: { what: string; orders: number; gasUsed: number }[];
  scaling: ScalingRow[];
  endToEnd: ScalingRow;
  /** The same book, buyers keeping bought GRID in their accounts. */
  endToEndKeep: ScalingRow;
}
