// Helpers of the Trading suite (test/trading/*.test.ts): place books, clear epochs, check settlements exactly.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import type { Trading } from "../../typechain-types";
import { wh } from "../helpers/constants";
import { OrderStatus, Side, type EpochStatus } from "../helpers/enums";
import type { Ctx } from "./fixture";

// ───────────────────────────────────────── HELPERS ───────────────────────────────────────────

export interface Placed {
  signer: HardhatEthersSigner;
  side: Side;
  wh: number;
  price: bigint;
}

/** Places `orders` in sequence (all in the current epoch) and returns their ids. */
export async function place(trading: Trading, orders: Placed[]): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const o of orders) {
    const t = trading.connect(o.signer);
    const tx =
      o.side === Side.Buy ? await t.createBuyOrder(wh(o.wh), o.price) : await t.createSellOrder(wh(o.wh), o.price);
    const [[id]] = parsed(trading, (await tx.wait())!, "OrderCreated");
    ids.push(id as bigint);
  }
  return ids;
}

export async function closeEpoch(trading: Trading, epoch: bigint): Promise<void> {
  const end = await trading.epochEnd(epoch);
  if (BigInt(await time.latest()) < end) await time.increaseTo(end);
}

export async function clear(trading: Trading, epoch: bigint): Promise<ContractTransactionResponse> {
  await closeEpoch(trading, epoch);
  await trading.matchOrders(epoch, 1_000);
  return trading.executeTrades(epoch, 1_000);
}

export function parsed(
  trading: Trading,
  receipt: { logs: readonly { topics: readonly string[]; data: string }[] },
  name: string,
) {
  return receipt.logs
    .map((l) => {
      try {
        return trading.interface.parseLog({ topics: [...l.topics], data: l.data });
      } catch {
        return null;
      }
    })
    .filter((e) => e !== null && e.name === name)
    .map((e) => e!.args.toArray());
}

/** The expected confirmation of one settled order. */
export interface Fill {
  id: bigint;
  owner: HardhatEthersSigner;
  side: Side;
  filled: bigint;
  payment: bigint;
  fee: bigint;
  refund: bigint;
}

/** A {@link Fill}: `payment`, `fee` and `refund` default to zero. */
export function fill(
  id: bigint,
  owner: HardhatEthersSigner,
  side: Side,
  amounts: { filled: bigint; payment?: bigint; fee?: bigint; refund?: bigint },
): Fill {
  return { id, owner, side, payment: 0n, fee: 0n, refund: 0n, ...amounts };
}

/**
 * Checks one settlement transaction against hand-computed fills: the exact sequence of OrderFilled events, every
 * owner's wallet (bought GRID delivered to buyers that do not keep it in their account, nothing else) and the
 * contract's, every owner's market account (sellers: proceeds and unfilled GRID; buyers: the refund, and the
 * bought GRID when they keep it there), the fee recipient's account when the transaction settles the epoch (fees
 * plus rounding, `Σ buyers' payments − Σ sellers' payments` of `fills`), and each order's final state.
 */
export async function expectSettlement(
  ctx: Ctx,
  epoch: bigint,
  price: bigint,
  fills: Fill[],
  tx: Promise<ContractTransactionResponse>,
): Promise<void> {
  const { trading, grid, usdc } = ctx;
  const receipt = (await (await tx).wait())!;
  expect(parsed(trading, receipt, "OrderFilled")).to.deep.equal(
    fills.map((f) => [f.id, f.owner.address, f.filled, f.payment]),
  );

  const owners = new Map<string, HardhatEthersSigner>();
  const delivered = new Map<string, bigint>();
  const accountGrid = new Map<string, bigint>();
  const accountUsdc = new Map<string, bigint>();
  const add = (m: Map<string, bigint>, a: string, v: bigint) => m.set(a, (m.get(a) ?? 0n) + v);
  let fees = 0n;
  for (const f of fills) {
    const a = f.owner.address;
    owners.set(a, f.owner);
    for (const m of [delivered, accountGrid, accountUsdc]) add(m, a, 0n);
    if (f.side === Side.Buy) {
      add(accountUsdc, a, f.refund);
      add((await trading.keepsBoughtGrid(a)) ? accountGrid : delivered, a, f.filled);
      fees += f.payment;
    } else {
      add(accountUsdc, a, f.payment);
      add(accountGrid, a, f.refund);
      fees -= f.payment;
    }
  }
  const settled = parsed(trading, receipt, "EpochSettled");
  if (settled.length !== 0) {
    const recipient = await trading.feeRecipient();
    expect(settled).to.deep.equal([[epoch, settled[0][1], price, fees, recipient]]);
    add(accountUsdc, recipient, fees);
    add(accountGrid, recipient, 0n);
  }

  const wallets = [...owners.values()];
  const deliveredTotal = [...delivered.values()].reduce((x, y) => x + y, 0n);
  await expect(tx).to.changeTokenBalances(
    grid,
    [...wallets, trading],
    [...wallets.map((o) => delivered.get(o.address)!), -deliveredTotal],
  );
  await expect(tx).to.changeTokenBalances(usdc, [...wallets, trading], [...wallets.map(() => 0n), 0n]);
  const before = { blockTag: receipt.blockNumber - 1 };
  const after = { blockTag: receipt.blockNumber };
  for (const [token, deltas] of [
    [grid, accountGrid],
    [usdc, accountUsdc],
  ] as const) {
    for (const [a, delta] of deltas) {
      const change = (await trading.accountBalance(a, token, after)) - (await trading.accountBalance(a, token, before));
      expect(change, `account change of ${a} in ${await token.symbol()}`).to.equal(delta);
    }
  }
  for (const f of fills) {
    const order = await trading.getOrder(f.id);
    expect([order.status, order.filled]).to.deep.equal([BigInt(OrderStatus.Settled), f.filled]);
  }
}

// ───────────────────────────────────── BOOK NOTATION ─────────────────────────────────────────

type Trader = "admin" | "p1" | "p2" | "p3" | "c1" | "c2" | "c3" | "mm" | "outsider" | "feeSink" | "regulator";

const num = (s: string) => BigInt(s.replace(/_/g, ""));

/**
 * An example book in one line: comma-separated orders `"<signer> <buy|sell> <Wh>@<price>"`, in placement order, e.g.
 * `book(ctx, "p1 sell 70@300_000, c1 buy 50@400_000")`.
 */
export function book(ctx: Ctx, spec: string): Placed[] {
  return spec.split(",").map((row) => {
    const [who, side, amount] = row.trim().split(/\s+/);
    const [size, price] = amount.split("@");
    if (side !== "buy" && side !== "sell") throw new Error(`bad side in "${row}"`);
    const signer = ctx[who as Trader] as HardhatEthersSigner;
    return { signer, side: side === "buy" ? Side.Buy : Side.Sell, wh: Number(num(size)), price: num(price) };
  });
}

/** Places the orders of {@link book} `spec` and returns them with their ids. */
export async function placeBook(ctx: Ctx, spec: string): Promise<{ orders: Placed[]; ids: bigint[] }> {
  const orders = book(ctx, spec);
  return { orders, ids: await place(ctx.trading, orders) };
}

/**
 * The expected settlement of every order of a placed book, in one line: one space-separated entry per order, in
 * placement order, `"<filled Wh>:<payment>[:<refund>[:<fee>]]"`. A seller's refund is in Wh (unfilled GRID), a
 * buyer's in payment-token units. E.g. `fills(book, ids, "70:24_500 50:17_500:2_500 0:0:10")`.
 */
export function fills(orders: Placed[], ids: bigint[], spec: string): Fill[] {
  const rows = spec.trim().split(/\s+/);
  if (rows.length !== orders.length) throw new Error(`${rows.length} fills for ${orders.length} orders`);
  return rows.map((row, i) => {
    const [filled, payment, refund, fee] = row.split(":").map((v) => num(v ?? "0"));
    const o = orders[i];
    const back = refund ?? 0n;
    return fill(ids[i], o.signer, o.side, {
      filled: wh(Number(filled)),
      payment: payment ?? 0n,
      refund: o.side === Side.Sell ? wh(Number(back)) : back,
      fee: fee ?? 0n,
    });
  });
}

/** Places `orders` in `ctx.epoch` and ends it, so that the book waits for `matchOrders`; returns the order ids. */
export async function placeAndClose(ctx: Ctx, orders: Placed[]): Promise<bigint[]> {
  const ids = await place(ctx.trading, orders);
  await closeEpoch(ctx.trading, ctx.epoch);
  return ids;
}

/**
 * One `matchOrders(epoch, budget)` call: it emits `MatchProgressed(epoch, ...progressed)` (`[steps, volume, done]`)
 * and, when `matched` is given (`[price, volume, bid, ask]`), `EpochMatched(epoch, ...matched)`.
 */
export async function expectMatchCall(
  trading: Trading,
  epoch: bigint,
  budget: number,
  progressed: [bigint, bigint, boolean],
  matched?: [bigint, bigint, bigint, bigint],
): Promise<void> {
  const tx = trading.matchOrders(epoch, budget);
  await expect(tx)
    .to.emit(trading, "MatchProgressed")
    .withArgs(epoch, ...progressed);
  if (matched)
    await expect(tx)
      .to.emit(trading, "EpochMatched")
      .withArgs(epoch, ...matched);
}

/** What {@link expectClearing} checks of an epoch's clearing. */
export interface Clearing {
  /** The clearing price. */
  price: bigint;
  /** Every order's settlement, in settlement order (see {@link expectSettlement}). */
  fills: Fill[];
  /** When given, the match call emits `MatchProgressed(epoch, steps, volume, true)`. */
  progressed?: { steps: bigint; volume: bigint };
  /** When given, the match call emits `EpochMatched(epoch, price, volume, bid, ask)`. */
  matched?: { volume: bigint; bid: bigint; ask: bigint };
  /** Steps allowed to the one `matchOrders` and the one `executeTrades` call (default 100). */
  batch?: number;
}

/**
 * Ends `epoch`, matches it and settles it in one call each, and checks the match events given and the settlement
 * exactly ({@link expectSettlement}). Returns the settlement transaction for further checks.
 */
export async function expectClearing(ctx: Ctx, epoch: bigint, clearing: Clearing) {
  const { trading } = ctx;
  const batch = clearing.batch ?? 100;
  await closeEpoch(trading, epoch);
  const match = trading.matchOrders(epoch, batch);
  if (clearing.progressed) {
    const { steps, volume } = clearing.progressed;
    await expect(match).to.emit(trading, "MatchProgressed").withArgs(epoch, steps, volume, true);
  }
  if (clearing.matched) {
    const { volume, bid, ask } = clearing.matched;
    await expect(match).to.emit(trading, "EpochMatched").withArgs(epoch, clearing.price, volume, bid, ask);
  } else {
    await match;
  }
  const tx = trading.executeTrades(epoch, batch);
  await expectSettlement(ctx, epoch, clearing.price, clearing.fills, tx);
  return tx;
}

/**
 * The settlement `tx` closed `epoch` with `volume` at `price`, crediting the fee `recipient`'s account `credit` (fees
 * plus rounding; no `Credited` event when it is 0), and the contract then holds exactly the market accounts.
 */
export async function expectFeeCredit(
  ctx: Ctx,
  epoch: bigint,
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
  recipient: HardhatEthersSigner,
  { volume, price, credit }: { volume: bigint; price: bigint; credit: bigint },
): Promise<void> {
  const { trading, usdc } = ctx;
  if (credit === 0n) await expect(tx).not.to.emit(trading, "Credited");
  else
    await expect(tx)
      .to.emit(trading, "Credited")
      .withArgs(recipient.address, await usdc.getAddress(), credit);
  await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, volume, price, credit, recipient.address);
  expect(await trading.accountBalance(recipient.address, usdc)).to.equal(credit);
  await expectBalancesEqualAccounts(ctx);
}

/**
 * The contract holds exactly the market accounts of the fixture's signers once no order is open: every token it
 * holds belongs to someone's free balance.
 */
export async function expectBalancesEqualAccounts(ctx: Ctx): Promise<void> {
  const { trading, grid, usdc } = ctx;
  const { admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator } = ctx;
  for (const token of [grid, usdc]) {
    let owed = 0n;
    for (const a of [admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator]) {
      owed += await trading.accountBalance(a.address, token);
    }
    expect(await token.balanceOf(trading)).to.equal(owed);
  }
}

/** The free balances of `account` in the market: `[GRID, payment token]`. */
export async function accountOf(ctx: Ctx, account: { address: string }): Promise<[bigint, bigint]> {
  return [
    await ctx.trading.accountBalance(account.address, ctx.grid),
    await ctx.trading.accountBalance(account.address, ctx.usdc),
  ];
}

/** The named fields `keys` of an ethers `Result` (a struct read from the contract) as a plain object. */
function pick<T, K extends keyof T>(struct: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, struct[k]])) as Pick<T, K>;
}

const EPOCH_RESULT_FIELDS = [
  "status",
  "clearingPrice",
  "volume",
  "bidPrice",
  "askPrice",
  "orderCount",
  "settledCount",
  "tickSize",
  "feeBps",
] as const;

const ORDER_FIELDS = ["owner", "side", "status", "epoch", "amount", "price", "filled"] as const;

export async function epochResult(trading: Trading, epoch: bigint) {
  return pick(await trading.getEpochResult(epoch), EPOCH_RESULT_FIELDS);
}

export async function order(trading: Trading, id: bigint) {
  return pick(await trading.getOrder(id), ORDER_FIELDS);
}

/**
 * Checks every field of order `id`, given in the order of the `Order` struct: `[owner, side, status, epoch, amount,
 * price, filled]`.
 */
export async function expectOrder(
  trading: Trading,
  id: bigint,
  [owner, side, status, epoch, amount, price, filled]: [HardhatEthersSigner, Side, OrderStatus, ...bigint[]],
): Promise<void> {
  expect(await order(trading, id)).to.deep.equal({
    owner: owner.address,
    side: BigInt(side),
    status: BigInt(status),
    epoch,
    amount,
    price,
    filled,
  });
}

export function result(fields: {
  status: EpochStatus;
  clearingPrice?: bigint;
  volume?: bigint;
  bidPrice?: bigint;
  askPrice?: bigint;
  orderCount?: bigint;
  settledCount?: bigint;
  tickSize?: bigint;
  feeBps?: bigint;
}) {
  return {
    status: BigInt(fields.status),
    clearingPrice: fields.clearingPrice ?? 0n,
    volume: fields.volume ?? 0n,
    bidPrice: fields.bidPrice ?? 0n,
    askPrice: fields.askPrice ?? 0n,
    orderCount: fields.orderCount ?? 0n,
    settledCount: fields.settledCount ?? 0n,
    tickSize: fields.tickSize ?? 0n,
    feeBps: fields.feeBps ?? 0n,
  };
}

// ───────────────────────────────────────── BOOK A ────────────────────────────────────────────

/**
 * Book A, fee 0. Bids: 6000 → 30 Wh (c1); 5000 → 70 Wh (c2 40, c3 30); 4000 → 10 Wh (c1).
 * Asks: 4000 → 20 Wh (p1); 5000 → 100 Wh (p2 50, p3 40, p2 10); 6000 → 10 Wh (p1).
 * Walk: 20 at (6000, 4000), 10 at (6000, 5000), 70 at (5000, 5000); bids move to 4000 < 5000.
 * Volume 100 Wh, b* = a* = 5000, p = 500,000. At a* 80 Wh of 100 matched: p2 50, p3 30 (partial), p2 0.
 */
export const BOOK_A =
  "c1 buy 30@600_000, p1 sell 20@400_000, c2 buy 40@500_000, p2 sell 50@500_000, c3 buy 30@500_000, " +
  "p3 sell 40@500_000, c1 buy 10@400_000, p1 sell 10@600_000, p2 sell 10@500_000";

export function bookA(ctx: Ctx): Placed[] {
  return book(ctx, BOOK_A);
}

/** Hand-computed settlement of book A at p = 500,000 (500 per Wh), in the notation of {@link fills}. */
export const BOOK_A_FILLS =
  "30:15_000:3_000 20:10_000 40:20_000 50:25_000 30:15_000 30:15_000:10 0:0:4_000 0:0:10 0:0:10";

export function bookAFills(ctx: Ctx, ids: bigint[]): Fill[] {
  return fills(bookA(ctx), ids, BOOK_A_FILLS);
}
