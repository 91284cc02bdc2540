// The demo's trading agents: simple, seeded strategies that still produce a believable market.
//  - Prosumers offer the GRID they hold beyond what they expect to need themselves, asking a price between
//    the feed-in tariff and the retail tariff; they ask more after a full fill and less when left unsold.
//  - Consumers bid for their expected deficit (last interval's import, minus the GRID they already hold), at
//    a price between the tariffs; they bid less after a fill and more when left without energy. When nobody
//    offered anything in the last epoch (at night) they only probe the market now and then.
//  - The utility is the market maker: a feed-in-tariff bid for any surplus and a retail-tariff ask for the
//    GRID it bought earlier. Every cleared price therefore lies between the two tariffs.
// Pure functions of their inputs; the randomness comes from a seeded generator.

import { buyEscrow, WH } from "../../lib/units";
import { Rng } from "../../lib/random";

export interface Tariffs {
  /** Feed-in tariff: what the utility pays for exported energy (payment-token base units per kWh). */
  feedIn: bigint;
  /** Retail tariff: what the utility charges for imported energy (payment-token base units per kWh). */
  retail: bigint;
  tickSize: bigint;
  /** Minimum order amount in GRID base units. */
  minOrder: bigint;
}

export type OrderSide = "buy" | "sell";

export interface PlannedOrder {
  side: OrderSide;
  /** GRID base units (whole Wh). */
  amount: bigint;
  /** Payment-token base units per kWh. */
  price: bigint;
}

/** How an agent's last order went. */
export type FillOutcome = "none" | "partial" | "full" | "idle";

export interface ProsumerView {
  /** GRID held (not escrowed). */
  gridBalance: bigint;
  /** Energy the meter imported in the last interval (Wh): what the prosumer will likely burn next. */
  lastImportWh: number;
  lastOutcome: FillOutcome;
}

export interface ConsumerView {
  gridBalance: bigint;
  paymentBalance: bigint;
  lastImportWh: number;
  lastOutcome: FillOutcome;
  /** Whether anyone offered GRID in the last epoch (order events are public). */
  supplyLastEpoch: boolean;
}

export interface UtilityView {
  gridBalance: bigint;
  paymentBalance: bigint;
  /** The most GRID the campus could export in one interval (its PV peak over the interval). */
  maxSurplus: bigint;
}

/** Rounds a price to the tick, within [lo, hi]. */
export function toTick(price: number, tariffs: Tariffs, lo: bigint, hi: bigint): bigint {
  const ticks = BigInt(Math.round(price / Number(tariffs.tickSize)));
  const p = ticks * tariffs.tickSize;
  return p < lo ? lo : p > hi ? hi : p;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

abstract class Agent {
  /** Position of the price between the feed-in (0) and the retail (1) tariff. */
  protected position: number;
  protected readonly rng: Rng;

  constructor(seed: number, label: string, initialLo: number, initialHi: number) {
    this.rng = Rng.derive(seed, "agent", label);
    this.position = this.rng.uniform(initialLo, initialHi);
  }

  protected price(tariffs: Tariffs, jitter: number): bigint {
    const pos = clamp(this.position + jitter * this.rng.normal(), 0, 1);
    const span = Number(tariffs.retail - tariffs.feedIn);
    return toTick(Number(tariffs.feedIn) + pos * span, tariffs, tariffs.feedIn, tariffs.retail);
  }
}

export class ProsumerAgent extends Agent {
  constructor(seed: number, label: string) {
    super(seed, label, 0.35, 0.75);
  }

  decide(view: ProsumerView, tariffs: Tariffs): PlannedOrder | undefined {
    if (view.lastOutcome === "full") this.position += 0.06;
    else if (view.lastOutcome === "partial") this.position -= 0.03;
    else if (view.lastOutcome === "none") this.position -= 0.12;
    this.position = clamp(this.position, 0, 0.95);
    // Keep what the building itself will probably draw in the next interval (it would cost retail to rebuy).
    const reserve = BigInt(Math.ceil(view.lastImportWh * 1.1)) * WH;
    const surplus = view.gridBalance > reserve ? view.gridBalance - reserve : 0n;
    const amount = (surplus / WH) * WH;
    if (amount < tariffs.minOrder) return undefined;
    return { side: "sell", amount, price: this.price(tariffs, 0.02) };
  }
}

export class ConsumerAgent extends Agent {
  constructor(seed: number, label: string) {
    super(seed, label, 0.25, 0.65);
  }

  decide(view: ConsumerView, tariffs: Tariffs): PlannedOrder | undefined {
    // With nobody selling (at night), bidding only wastes gas: probe now and then.
    const probe = this.rng.next();
    if (!view.supplyLastEpoch && view.lastOutcome !== "full" && probe >= 0.2) return undefined;
    if (view.lastOutcome === "full") this.position -= 0.05;
    else if (view.lastOutcome === "partial") this.position += 0.04;
    else if (view.lastOutcome === "none") this.position += 0.1;
    this.position = clamp(this.position, 0.02, 1);
    const expectedWh = Math.round(view.lastImportWh * (1 + 0.1 * this.rng.normal()));
    const need = BigInt(Math.max(0, expectedWh)) * WH - view.gridBalance;
    if (need < tariffs.minOrder) return undefined;
    let amount = (need / WH) * WH;
    const price = this.price(tariffs, 0.02);
    // Never bid more than the wallet can escrow.
    while (amount >= tariffs.minOrder && buyEscrow(amount, price) > view.paymentBalance)
      amount = (amount / 2n / WH) * WH;
    if (amount < tariffs.minOrder) return undefined;
    return { side: "buy", amount, price };
  }
}

export class UtilityAgent {
  decide(view: UtilityView, tariffs: Tariffs): PlannedOrder[] {
    const orders: PlannedOrder[] = [];
    let bid = (view.maxSurplus / WH) * WH;
    while (bid >= tariffs.minOrder && buyEscrow(bid, tariffs.feedIn) > view.paymentBalance) bid = (bid / 2n / WH) * WH;
    if (bid >= tariffs.minOrder) orders.push({ side: "buy", amount: bid, price: tariffs.feedIn });
    const ask = (view.gridBalance / WH) * WH;
    if (ask >= tariffs.minOrder) orders.push({ side: "sell", amount: ask, price: tariffs.retail });
    return orders;
  }
}
