/**
 * An independent reference model of the Trading clearing rule (SPEC §8.3, NatSpec of ITrading).
 *
 * It is written the plain way on purpose — sort the orders, aggregate them by price, walk the two sides —
 * and shares nothing with the contract's bitmaps, cursors and resumable state, so that agreeing with it on
 * thousands of random books means something.
 */
import { BPS, WAD } from "./constants";
import { Side } from "./enums";

/** One order of an epoch. `id` orders time: a lower id was placed earlier. */
export interface ModelOrder {
  id: bigint;
  side: Side;
  /** GRID base units. */
  amount: bigint;
  /** Limit price: payment-token base units per 1e18 GRID. */
  price: bigint;
  /** Cancelled before gate closure: takes no part in clearing. */
  cancelled?: boolean;
}

/** What clearing does to one order. */
export interface OrderOutcome {
  id: bigint;
  side: Side;
  cancelled: boolean;
  /** GRID base units filled. */
  filled: bigint;
  /**
   * Escrow taken when the order was placed: buys `ceil(amount * price / 1e18)` payment token, sells `amount` GRID.
   */
  escrow: bigint;
  /** Buys: payment token paid, `ceil(filled * p / 1e18)`. Sells: payment token received after the fee. */
  payment: bigint;
  /** Sells: `floor(proceeds * feeBps / 10000)` with `proceeds = floor(filled * p / 1e18)`. Buys: 0. */
  fee: bigint;
  /**
   * Buys: payment token returned (`escrow - payment`). Sells: GRID returned (`amount - filled`). For a cancelled
   * order it is the whole escrow, returned at cancellation rather than at settlement.
   */
  refund: bigint;
}

/** The outcome of clearing one epoch. */
export interface ClearingResult {
  /** GRID base units traded. */
  volume: bigint;
  /** `floor((b* + a*) / 2)`, or 0 when nothing crosses. */
  clearingPrice: bigint;
  /** Marginal bid price `b*` (0 when nothing crosses). */
  bidPrice: bigint;
  /** Marginal ask price `a*` (0 when nothing crosses). */
  askPrice: bigint;
  /** Filled amount of every order, cancelled ones included (0). */
  fills: Map<bigint, bigint>;
  /** Outcome of every order, keyed by id. */
  outcomes: Map<bigint, OrderOutcome>;
  /** Payment token paid by all buyers. */
  buyerPayments: bigint;
  /** Payment token received by all sellers (after fees). */
  sellerReceipts: bigint;
  /** Fees taken from sellers. */
  fees: bigint;
  /** What the fee recipient is credited: fees plus rounding, `buyerPayments - sellerReceipts`. */
  feeCredit: bigint;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);

/** Payment-token escrow of a buy order: `ceil(amount * price / 1e18)`. */
export const buyEscrow = (amount: bigint, price: bigint): bigint => ceilDiv(amount * price, WAD);

interface Level {
  price: bigint;
  /** Active orders at this price, lowest id (earliest) first. */
  orders: ModelOrder[];
  total: bigint;
}

/** Groups orders by price and sorts the levels best-first: bids highest first, asks lowest first. */
function levelsOf(orders: ModelOrder[], side: Side): Level[] {
  const byPrice = new Map<bigint, ModelOrder[]>();
  for (const o of orders) {
    if (o.side !== side || o.cancelled === true) continue;
    const list = byPrice.get(o.price) ?? [];
    list.push(o);
    byPrice.set(o.price, list);
  }
  const levels: Level[] = [...byPrice.entries()].map(([price, list]) => ({
    price,
    orders: [...list].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
    total: list.reduce((sum, o) => sum + o.amount, 0n),
  }));
  levels.sort((x, y) => {
    const better = side === Side.Buy ? x.price > y.price : x.price < y.price;
    return x.price === y.price ? 0 : better ? -1 : 1;
  });
  return levels;
}

function validate(orders: ModelOrder[], feeBps: bigint): void {
  if (feeBps < 0n || feeBps > BPS) throw new RangeError(`feeBps ${feeBps} out of range`);
  const seen = new Set<bigint>();
  for (const o of orders) {
    if (seen.has(o.id)) throw new RangeError(`duplicate order id ${o.id}`);
    seen.add(o.id);
    if (o.amount <= 0n) throw new RangeError(`order ${o.id}: amount ${o.amount} is not positive`);
    if (o.price <= 0n) throw new RangeError(`order ${o.id}: price ${o.price} is not positive`);
    if (o.side !== Side.Buy && o.side !== Side.Sell) throw new RangeError(`order ${o.id}: bad side`);
  }
}

/**
 * Gives the matched quantity at the marginal level to its orders by time priority and everything to the
 * levels better than the margin. Returns the filled amount per order id.
 */
function allocate(levels: Level[], marginPrice: bigint, volume: bigint): Map<bigint, bigint> {
  const fills = new Map<bigint, bigint>();
  let matchedAtMargin = volume;
  for (const level of levels) {
    if (level.price === marginPrice) break;
    // A level better than the margin was exhausted by the walk: it fills completely.
    for (const o of level.orders) fills.set(o.id, o.amount);
    matchedAtMargin -= level.total;
  }
  const margin = levels.find((l) => l.price === marginPrice);
  if (margin === undefined || matchedAtMargin <= 0n || matchedAtMargin > margin.total) {
    throw new Error(`model invariant: ${matchedAtMargin} matched at margin ${marginPrice}`);
  }
  let left = matchedAtMargin;
  for (const o of margin.orders) {
    const q = o.amount < left ? o.amount : left;
    if (q > 0n) fills.set(o.id, q);
    left -= q;
  }
  return fills;
}

/**
 * Clears one epoch's orders under the rule of SPEC §8.3 with a seller fee of `feeBps` basis points.
 */
export function clear(orders: ModelOrder[], feeBps: bigint = 0n): ClearingResult {
  validate(orders, feeBps);
  const bids = levelsOf(orders, Side.Buy);
  const asks = levelsOf(orders, Side.Sell);

  // 1. Walk bids from the highest down and asks from the lowest up while they cross.
  let volume = 0n;
  let bidPrice = 0n;
  let askPrice = 0n;
  let i = 0;
  let j = 0;
  let bidLeft = bids.length > 0 ? bids[0].total : 0n;
  let askLeft = asks.length > 0 ? asks[0].total : 0n;
  while (i < bids.length && j < asks.length && bids[i].price >= asks[j].price) {
    const q = bidLeft < askLeft ? bidLeft : askLeft;
    volume += q;
    bidPrice = bids[i].price;
    askPrice = asks[j].price;
    bidLeft -= q;
    askLeft -= q;
    if (bidLeft === 0n && ++i < bids.length) bidLeft = bids[i].total;
    if (askLeft === 0n && ++j < asks.length) askLeft = asks[j].total;
  }

  // 2.–4. Uniform price and allocation (nothing when nothing crossed).
  const clearingPrice = volume === 0n ? 0n : (bidPrice + askPrice) / 2n;
  const bidFills = volume === 0n ? new Map<bigint, bigint>() : allocate(bids, bidPrice, volume);
  const askFills = volume === 0n ? new Map<bigint, bigint>() : allocate(asks, askPrice, volume);

  // 5. Payments, fees and refunds.
  const fills = new Map<bigint, bigint>();
  const outcomes = new Map<bigint, OrderOutcome>();
  let buyerPayments = 0n;
  let sellerReceipts = 0n;
  let fees = 0n;
  for (const o of orders) {
    const cancelled = o.cancelled === true;
    const filled = (o.side === Side.Buy ? bidFills : askFills).get(o.id) ?? 0n;
    fills.set(o.id, filled);
    let escrow: bigint;
    let payment: bigint;
    let fee = 0n;
    let refund: bigint;
    if (o.side === Side.Buy) {
      escrow = buyEscrow(o.amount, o.price);
      payment = ceilDiv(filled * clearingPrice, WAD);
      refund = escrow - payment;
      buyerPayments += payment;
    } else {
      escrow = o.amount;
      const proceeds = (filled * clearingPrice) / WAD;
      fee = (proceeds * feeBps) / BPS;
      payment = proceeds - fee;
      refund = o.amount - filled;
      sellerReceipts += payment;
      fees += fee;
    }
    outcomes.set(o.id, {
      id: o.id,
      side: o.side,
      cancelled,
      filled,
      escrow,
      payment,
      fee,
      refund,
    });
  }

  return {
    volume,
    clearingPrice,
    bidPrice,
    askPrice,
    fills,
    outcomes,
    buyerPayments,
    sellerReceipts,
    fees,
    feeCredit: buyerPayments - sellerReceipts,
  };
}
