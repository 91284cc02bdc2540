/**
 * Seeded random order books for the clearing model and the differential tests. The same options always give
 * the same book, so a failing seed reproduces exactly.
 */
import { Rng } from "../../lib/random";
import { WH, orderId } from "./constants";
import { Side } from "./enums";
import type { ModelOrder } from "./clearingModel";

/** How limit prices are drawn. */
export type PriceDistribution = "clustered" | "spread";

export interface BookOptions {
  seed: number;
  /** Number of orders (cancelled ones included). */
  size: number;
  /** `clustered`: a few adjacent levels around a random centre (many ties); `spread`: uniform over all levels. */
  distribution: PriceDistribution;
  tickSize: bigint;
  maxPrice: bigint;
  /** Smallest order (GRID base units, a multiple of 1e15). */
  minAmount: bigint;
  /** Largest order (GRID base units); defaults to `minAmount` + 50 kWh. */
  maxAmount?: bigint;
  /** Probability that an order is cancelled before gate closure (default 0.1). */
  cancelRate?: number;
  /** Share of buy orders; drawn per book when omitted (sometimes 0 or 1: a one-sided book). */
  buyShare?: number;
  /** Epoch whose ids (`epoch << 32 | seq`, seq from 1) the orders get (default 0: ids 1..size). */
  epoch?: bigint;
}

/** The most one price level of one side holds in one epoch, in Wh (Trading's `Auction.MAX_LEVEL_WH`). */
export const MAX_LEVEL_WH = 2n ** 32n - 1n;

/** Draws a whole-Wh amount in [min, max]: mostly small, sometimes large, sometimes whole kWh. */
function drawAmount(rng: Rng, min: bigint, max: bigint): bigint {
  const minWh = min / WH;
  const maxWh = max / WH;
  const roll = rng.next();
  let whs: bigint;
  if (roll < 0.6) {
    const cap = minWh + 2_000n < maxWh ? minWh + 2_000n : maxWh;
    whs = rng.bigint(minWh, cap);
  } else if (roll < 0.9) {
    whs = rng.bigint(minWh, maxWh);
  } else {
    const kwhs = rng.bigint(1n, maxWh / 1_000n > 1n ? maxWh / 1_000n : 1n);
    whs = kwhs * 1_000n;
    if (whs < minWh) whs = minWh;
    if (whs > maxWh) whs = maxWh;
  }
  return whs * WH;
}

/** A random book, as the orders of one epoch in time order. */
export function randomBook(options: BookOptions): ModelOrder[] {
  const { seed, size, distribution, tickSize, maxPrice, minAmount } = options;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`bad size ${size}`);
  if (tickSize <= 0n || maxPrice < tickSize || maxPrice % tickSize !== 0n) throw new RangeError("bad price rules");
  if (minAmount <= 0n || minAmount % WH !== 0n) throw new RangeError("bad minAmount");
  const maxAmount = options.maxAmount ?? minAmount + 50_000n * WH;
  if (maxAmount < minAmount || maxAmount % WH !== 0n) throw new RangeError("bad maxAmount");

  const rng = new Rng(seed);
  const levels = Number(maxPrice / tickSize);
  const cancelRate = options.cancelRate ?? 0.1;
  let buyShare = options.buyShare;
  if (buyShare === undefined) {
    const roll = rng.next();
    buyShare = roll < 0.05 ? 0 : roll < 0.1 ? 1 : 0.25 + rng.next() * 0.5;
  }

  // Clustered books: bids around `centre + skew`, asks around `centre - skew`, each within `width` levels,
  // so the sides overlap by a few levels (or miss each other when the skew is negative).
  const width = rng.int(0, 6);
  const centreRoll = rng.next();
  const centre = centreRoll < 0.1 ? 1 : centreRoll < 0.2 ? levels : rng.int(1, levels);
  const skew = rng.int(-2, 4);
  const clamp = (level: number): number => Math.min(levels, Math.max(1, level));

  const epoch = options.epoch ?? 0n;
  const orders: ModelOrder[] = [];
  const placed = new Map<number, bigint>(); // Wh per side * 65,536 + level
  for (let seq = 1; seq <= size; seq++) {
    const side = rng.chance(buyShare) ? Side.Buy : Side.Sell;
    let level: number;
    if (distribution === "spread") {
      level = rng.int(1, levels);
    } else {
      const mid = side === Side.Buy ? centre + skew : centre - skew;
      level = clamp(mid + rng.int(-width, width));
    }
    let amount = drawAmount(rng, minAmount, maxAmount);
    // A level holds at most MAX_LEVEL_WH per side and epoch (Trading reverts TradingLevelFull past it): an order
    // takes what is left of its level, or moves up to the next level with room for it.
    while (MAX_LEVEL_WH - (placed.get(side * 65_536 + level) ?? 0n) < minAmount / WH) level = (level % levels) + 1;
    const room = (MAX_LEVEL_WH - (placed.get(side * 65_536 + level) ?? 0n)) * WH;
    if (amount > room) amount = room;
    placed.set(side * 65_536 + level, (placed.get(side * 65_536 + level) ?? 0n) + amount / WH);
    const order: ModelOrder = { id: orderId(epoch, seq), side, amount, price: BigInt(level) * tickSize };
    if (rng.chance(cancelRate)) order.cancelled = true;
    orders.push(order);
  }
  return orders;
}

/**
 * A {@link randomBook} spread over `traders` traders (`trader` in [0, traders)), drawn from a second generator of
 * the same seed, so the book itself is that of {@link randomBook} with the same options.
 */
export function randomTradedBook(traders: number, options: BookOptions): (ModelOrder & { trader: number })[] {
  const rng = new Rng(options.seed);
  return randomBook(options).map((o) => ({ ...o, trader: rng.int(0, traders - 1) }));
}
