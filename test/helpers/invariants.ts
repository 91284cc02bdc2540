/**
 * The ledger invariants of the security suite and the shadow ledger they are checked against.
 *
 * The shadow follows every action of a property run from the outside: who holds what of GRID and of the
 * payment token in its wallet and in its market account ("credits": `accountBalance`), every order's escrow and
 * fill. After each step the chain must agree with it holder by holder, and the chain alone must satisfy the
 * conservation laws (SPEC 11):
 *   - each token's total supply is the sum of the balances of all holders, Trading included (GRID supply = the
 *     wallets + Trading's balance: nothing appears or vanishes);
 *   - Trading's GRID balance is the Σ of the accounts' GRID plus the open sell escrow plus the GRID the epoch
 *     being settled took from its sellers and has not yet delivered to its buyers;
 *   - Trading's payment balance is the Σ of the accounts' payment token plus the open buy escrow plus what the
 *     epoch being settled has taken from its buyers and not yet credited to its sellers or as fees;
 *   - no order fills beyond its amount, and a filled order's limit is at least (bids) or at most (asks) the
 *     uniform clearing price.
 */
import { expect } from "chai";
import { ethers } from "hardhat";

import type { InvariantLens } from "../../typechain-types";
import { clear } from "./clearingModel";
import { Side } from "./enums";

/** ITrading.Side */
export const BUY = 0;
export const SELL = 1;
/** ITrading.OrderStatus */
export const OPEN = 1;
export const CANCELLED = 2;
export const SETTLED = 3;

const WAD = 10n ** 18n;
const BPS = 10_000n;

export const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
/** Payment token a buyer escrows or pays for `amount` GRID at `price`: rounded up. */
export const buyerCost = (amount: bigint, price: bigint): bigint => ceilDiv(amount * price, WAD);
/** Payment token a seller receives for `amount` GRID at `price` with `feeBps`: proceeds rounded down, less the fee. */
export const sellerReceipt = (amount: bigint, price: bigint, feeBps: bigint): { payment: bigint; fee: bigint } => {
  const proceeds = (amount * price) / WAD;
  const fee = (proceeds * feeBps) / BPS;
  return { payment: proceeds - fee, fee };
};

export interface ShadowOrder {
  id: bigint;
  epoch: bigint;
  owner: string;
  side: number;
  amount: bigint;
  price: bigint;
  /** GRID for sells, payment token for buys. */
  escrow: bigint;
  status: number;
  filled: bigint;
  /** The fill the clearing rule gives it, once its epoch is matched. */
  expectedFill?: bigint;
}

export type Phase = "open" | "matching" | "settling" | "settled";

export interface ShadowEpoch {
  epoch: bigint;
  tick: bigint;
  feeBps: bigint;
  orderIds: bigint[];
  phase: Phase;
  /** Set when matching ends. */
  clearingPrice: bigint;
  volume: bigint;
  bidPrice: bigint;
  askPrice: bigint;
  settled: number;
  paidIn: bigint;
  paidOut: bigint;
  filledBuy: bigint;
  filledSell: bigint;
}

/** Balances, credits and orders as the outside world should see them. */
export class ShadowLedger {
  readonly holders: string[];
  readonly grid = new Map<string, bigint>();
  readonly payment = new Map<string, bigint>();
  readonly gridCredits = new Map<string, bigint>();
  readonly paymentCredits = new Map<string, bigint>();
  gridSupply = 0n;
  paymentSupply = 0n;
  readonly orders = new Map<bigint, ShadowOrder>();
  readonly epochs = new Map<bigint, ShadowEpoch>();
  /** GRID minted per reading key; a key minting twice is a failure. */
  readonly mintedReadings = new Set<string>();

  constructor(
    holders: string[],
    readonly trading: string,
  ) {
    this.holders = [...holders.map((h) => h.toLowerCase())];
    if (!this.holders.includes(trading.toLowerCase())) this.holders.push(trading.toLowerCase());
    for (const h of this.holders) {
      for (const m of [this.grid, this.payment, this.gridCredits, this.paymentCredits]) m.set(h, 0n);
    }
  }

  private add(map: Map<string, bigint>, who: string, delta: bigint): void {
    const key = who.toLowerCase();
    const before = map.get(key);
    if (before === undefined) throw new Error(`shadow: unknown holder ${who}`);
    const after = before + delta;
    if (after < 0n) throw new Error(`shadow: negative balance for ${who}`);
    map.set(key, after);
  }

  balanceOf(token: "grid" | "payment", who: string): bigint {
    return (token === "grid" ? this.grid : this.payment).get(who.toLowerCase()) ?? 0n;
  }

  creditOf(token: "grid" | "payment", who: string): bigint {
    return (token === "grid" ? this.gridCredits : this.paymentCredits).get(who.toLowerCase()) ?? 0n;
  }

  mintGrid(to: string, amount: bigint, readingKey?: string): void {
    if (readingKey !== undefined) {
      if (this.mintedReadings.has(readingKey)) throw new Error(`reading ${readingKey} minted twice`);
      this.mintedReadings.add(readingKey);
    }
    this.add(this.grid, to, amount);
    this.gridSupply += amount;
  }

  burnGrid(from: string, amount: bigint): void {
    this.add(this.grid, from, -amount);
    this.gridSupply -= amount;
  }

  mintPayment(to: string, amount: bigint): void {
    this.add(this.payment, to, amount);
    this.paymentSupply += amount;
  }

  move(token: "grid" | "payment", from: string, to: string, amount: bigint): void {
    const map = token === "grid" ? this.grid : this.payment;
    this.add(map, from, -amount);
    this.add(map, to, amount);
  }

  /** Trading pays `amount` to `to`, or credits it when `fails` (the transfer to `to` would not go through). */
  payOut(token: "grid" | "payment", to: string, amount: bigint, fails: boolean): void {
    if (amount === 0n) return;
    if (fails) this.add(token === "grid" ? this.gridCredits : this.paymentCredits, to, amount);
    else this.move(token, this.trading, to, amount);
  }

  credit(token: "grid" | "payment", to: string, amount: bigint): void {
    this.add(token === "grid" ? this.gridCredits : this.paymentCredits, to, amount);
  }

  /** Takes `amount` from `who`'s market account (an order reserving its escrow there). */
  debit(token: "grid" | "payment", who: string, amount: bigint): void {
    this.add(token === "grid" ? this.gridCredits : this.paymentCredits, who, -amount);
  }

  /** `who` deposits `amount` from its wallet into its market account. */
  deposit(token: "grid" | "payment", who: string, amount: bigint): void {
    this.move(token, who, this.trading, amount);
    this.credit(token, who, amount);
  }

  /** `who` withdraws `amount` of its market account to its wallet. */
  withdraw(token: "grid" | "payment", who: string, amount: bigint): void {
    this.debit(token, who, amount);
    this.move(token, this.trading, who, amount);
  }

  withdrawCredit(token: "grid" | "payment", who: string): bigint {
    const amount = this.creditOf(token, who);
    this.add(token === "grid" ? this.gridCredits : this.paymentCredits, who, -amount);
    this.move(token, this.trading, who, amount);
    return amount;
  }

  /** What Trading must hold of each token, from the orders and credits alone. */
  expectedEscrow(): { grid: bigint; payment: bigint } {
    let grid = 0n;
    let payment = 0n;
    for (const o of this.orders.values()) {
      if (o.status !== OPEN) continue;
      if (o.side === SELL) grid += o.escrow;
      else payment += o.escrow;
    }
    for (const e of this.epochs.values()) {
      // The epoch being settled: what its buyers paid and its sellers were not yet paid; the GRID its sellers
      // delivered and its buyers did not yet receive.
      if (e.phase === "settling") {
        payment += e.paidIn - e.paidOut;
        grid += e.filledSell - e.filledBuy;
      }
    }
    for (const v of this.gridCredits.values()) grid += v;
    for (const v of this.paymentCredits.values()) payment += v;
    return { grid, payment };
  }
}

/** The chain's view of every holder, as read by {readSnapshot}. */
export interface Snapshot {
  gridSupply: bigint;
  paymentSupply: bigint;
  gridBalances: bigint[];
  paymentBalances: bigint[];
  gridCredits: bigint[];
  paymentCredits: bigint[];
}

/**
 * Reads the chain's view of every holder in one `eth_call` to the InvariantLens, decoding the flat `uint256[]`
 * by hand (ethers' generic decoder costs more than the call itself at this size).
 */
export async function readSnapshot(
  lens: InvariantLens,
  grid: string,
  payment: string,
  trading: string,
  holders: string[],
): Promise<Snapshot> {
  const data = lens.interface.encodeFunctionData("snapshot", [grid, payment, trading, holders]);
  const raw = (await ethers.provider.send("eth_call", [{ to: await lens.getAddress(), data }, "latest"])) as string;
  // ABI: offset word, length word, then the items.
  const word = (i: number): bigint => BigInt("0x" + raw.slice(2 + 64 * i, 2 + 64 * (i + 1)));
  const length = Number(word(1));
  expect(length, "lens snapshot length").to.equal(2 + 4 * holders.length);
  const item = (i: number): bigint => word(2 + i);
  const pick = (k: number): bigint[] => holders.map((_, i) => item(2 + 4 * i + k));
  return {
    gridSupply: item(0),
    paymentSupply: item(1),
    gridBalances: pick(0),
    paymentBalances: pick(1),
    gridCredits: pick(2),
    paymentCredits: pick(3),
  };
}

/**
 * Checks the conservation laws on the chain's numbers alone, then that the chain agrees with the shadow for
 * every holder. `where` names the step, for the failure message.
 */
export function checkLedger(snapshot: Snapshot, shadow: ShadowLedger, where: string): void {
  const holders = shadow.holders;
  const idx = holders.indexOf(shadow.trading.toLowerCase());

  // 1. Conservation on the chain's numbers alone.
  const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
  expect(sum(snapshot.gridBalances), `${where}: GRID supply = sum of balances`).to.equal(snapshot.gridSupply);
  expect(sum(snapshot.paymentBalances), `${where}: payment supply = sum of balances`).to.equal(snapshot.paymentSupply);
  const gridCredits = sum(snapshot.gridCredits);
  const paymentCredits = sum(snapshot.paymentCredits);
  expect(snapshot.gridBalances[idx], `${where}: Trading GRID covers its GRID credits`).to.be.gte(gridCredits);
  expect(snapshot.paymentBalances[idx], `${where}: Trading payment covers its credits`).to.be.gte(paymentCredits);

  // 2. Escrow: Trading holds exactly the open escrow plus credits (plus an in-progress epoch's net).
  const escrow = shadow.expectedEscrow();
  expect(snapshot.gridBalances[idx], `${where}: Trading GRID = open sell escrow + GRID credits`).to.equal(escrow.grid);
  expect(snapshot.paymentBalances[idx], `${where}: Trading payment = open buy escrow + credits + unsettled`).to.equal(
    escrow.payment,
  );

  // 3. Holder by holder.
  expect(snapshot.gridSupply, `${where}: GRID supply`).to.equal(shadow.gridSupply);
  expect(snapshot.paymentSupply, `${where}: payment supply`).to.equal(shadow.paymentSupply);
  holders.forEach((h, i) => {
    expect(snapshot.gridBalances[i], `${where}: GRID balance of ${h}`).to.equal(shadow.balanceOf("grid", h));
    expect(snapshot.paymentBalances[i], `${where}: payment balance of ${h}`).to.equal(shadow.balanceOf("payment", h));
    expect(snapshot.gridCredits[i], `${where}: GRID credit of ${h}`).to.equal(shadow.creditOf("grid", h));
    expect(snapshot.paymentCredits[i], `${where}: payment credit of ${h}`).to.equal(shadow.creditOf("payment", h));
  });
}

/** The outcome of the clearing rule (SPEC 8.3) on one epoch's active orders. */
export interface Clearing {
  volume: bigint;
  clearingPrice: bigint;
  bidPrice: bigint;
  askPrice: bigint;
  /** Fill of every active order, by id. */
  fills: Map<bigint, bigint>;
}

/**
 * The clearing rule (SPEC 8.3) on the shadow book's active orders, by the independent TypeScript reference model
 * (test/helpers/clearingModel.ts) that the differential test also uses.
 */
export function clearBook(orders: ShadowOrder[]): Clearing {
  const active = orders.filter((o) => o.status === OPEN);
  const { volume, clearingPrice, bidPrice, askPrice, fills } = clear(
    active.map((o) => ({ id: o.id, side: o.side === BUY ? Side.Buy : Side.Sell, amount: o.amount, price: o.price })),
  );
  return { volume, clearingPrice, bidPrice, askPrice, fills };
}

/** A settled order's fill respects its amount and its limit at the epoch's uniform price. */
export function checkFillWithinLimits(order: ShadowOrder, filled: bigint, clearingPrice: bigint, where: string): void {
  expect(filled, `${where}: order ${order.id} fills within its amount`).to.be.lte(order.amount);
  expect(filled % 10n ** 15n, `${where}: order ${order.id} fills whole Wh`).to.equal(0n);
  if (filled === 0n) return;
  if (order.side === BUY) {
    expect(order.price, `${where}: bid ${order.id} limit >= clearing price`).to.be.gte(clearingPrice);
  } else {
    expect(order.price, `${where}: ask ${order.id} limit <= clearing price`).to.be.lte(clearingPrice);
  }
}

/**
 * The chain's stored orders `ids` (default: all; an order whose slot a later epoch reused reverts
 * TradingOrderPruned, so callers pass the live ones) agree with the shadow's (status, fill, amount, price, owner).
 */
export async function checkOrders(
  lens: InvariantLens,
  trading: string,
  shadow: ShadowLedger,
  where: string,
  ids: bigint[] = [...shadow.orders.keys()],
): Promise<number> {
  if (ids.length === 0) return 0;
  const onChain = await lens.orders(trading, ids);
  ids.forEach((id, i) => {
    const s = shadow.orders.get(id)!;
    const c = onChain[i];
    expect(c.owner.toLowerCase(), `${where}: owner of ${id}`).to.equal(s.owner.toLowerCase());
    expect(Number(c.side), `${where}: side of ${id}`).to.equal(s.side);
    expect(Number(c.status), `${where}: status of ${id}`).to.equal(s.status);
    expect(c.epoch, `${where}: epoch of ${id}`).to.equal(s.epoch);
    expect(c.amount, `${where}: amount of ${id}`).to.equal(s.amount);
    expect(c.price, `${where}: price of ${id}`).to.equal(s.price);
    expect(c.filled, `${where}: filled of ${id}`).to.equal(s.filled);
    expect(c.filled, `${where}: ${id} fills within its amount`).to.be.lte(c.amount);
  });
  return ids.length;
}
