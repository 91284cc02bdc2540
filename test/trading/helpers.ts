// Shared set-up of the Trading suite (test/trading/*.test.ts): the market from the GridMarket Ignition module
// with funded users, and the helpers that place books, clear epochs and check settlements exactly.
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";

import type { GridToken, MockUSDC, Trading } from "../../typechain-types";
import { deployMarket } from "../fixtures";
import {
  DEFAULT_EPOCH_LENGTH,
  DEFAULT_FEE_BPS,
  DEFAULT_MAX_ORDERS_PER_USER,
  DEFAULT_MAX_PRICE,
  DEFAULT_MIN_ORDER_AMOUNT,
  DEFAULT_TICK_SIZE,
  wh,
} from "../helpers/constants";
import { EpochStatus, OrderStatus, Side, UserStatus, UserType } from "../helpers/enums";

export { WH, orderId, wh } from "../helpers/constants";
export { EpochStatus, OrderStatus, Side, Work } from "../helpers/enums";

// ───────────────────────────────────────── CONSTANTS ─────────────────────────────────────────

export const Prosumer = UserType.Prosumer;
export const Consumer = UserType.Consumer;
export const Suspended = UserStatus.Suspended;

export const EPOCH_LENGTH = DEFAULT_EPOCH_LENGTH;
export const TICK = DEFAULT_TICK_SIZE;
export const MAX_PRICE = DEFAULT_MAX_PRICE;
export const MIN_ORDER = DEFAULT_MIN_ORDER_AMOUNT;
export const MAX_ORDERS = DEFAULT_MAX_ORDERS_PER_USER;
export const MAX_UINT32 = 2n ** 32n - 1n;
export const METER = ethers.encodeBytes32String("METER-1");
export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
export const DEFAULT_PARAMS = {
  tickSize: TICK,
  maxPrice: MAX_PRICE,
  minOrderAmount: MIN_ORDER,
  maxOrdersPerUser: MAX_ORDERS,
  feeBps: DEFAULT_FEE_BPS,
};

// ───────────────────────────────────────── FIXTURE ───────────────────────────────────────────

/**
 * The market as deployed by the GridMarket Ignition module (fee recipient: the admin), with three prosumers
 * holding 100 kWh of GRID each (p3 passed 10 kWh on to the market maker `mm`), three consumers, and everyone
 * funded with 1,000,000 USDC and both tokens approved to Trading. The admin mints GRID directly (made a minter
 * for the purpose) and `regulator` is a second REC regulator. Every test starts at the first second of a fresh
 * epoch, `epoch`.
 */
export async function deployTradingFixture() {
  const [admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator] = await ethers.getSigners();
  const {
    registry,
    gridToken: grid,
    paymentToken: usdc,
    trading,
  } = await deployMarket({ feeRecipient: admin.address });

  await registry.addRecRegulator(regulator.address);
  for (const p of [p1, p2, p3]) await registry.registerUser(p.address, Prosumer, "Solar roof");
  for (const c of [c1, c2, c3]) await registry.registerUser(c.address, Consumer, "Dorm");
  await grid.addMinter(admin.address);
  await trading.addMarketMaker(mm.address);

  for (const p of [p1, p2, p3]) await grid.mint(p.address, wh(100_000), METER);
  await grid.connect(p3).transfer(mm.address, wh(10_000));
  for (const u of [p1, p2, p3, c1, c2, c3, mm, outsider]) {
    await usdc.mint(u.address, 1_000_000n * 10n ** 6n);
    await usdc.connect(u).approve(trading, ethers.MaxUint256);
    await grid.connect(u).approve(trading, ethers.MaxUint256);
  }

  // Start every test at the first second of a fresh epoch.
  const epoch = (await trading.currentEpoch()) + 1n;
  await time.increaseTo(await trading.epochStart(epoch));

  return { registry, grid, usdc, trading, admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator, epoch };
}

export type Ctx = Awaited<ReturnType<typeof deployTradingFixture>>;

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
        return trading.interface.parseLog({
          topics: [...l.topics],
          data: l.data,
        });
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

/**
 * Checks one settlement transaction against hand-computed fills: the exact sequence of OrderFilled events,
 * every account's GRID and payment-token balance change (and the contract's), and each order's final state.
 */
export async function expectSettlement(
  ctx: Ctx,
  epoch: bigint,
  price: bigint,
  fills: Fill[],
  tx: Promise<ContractTransactionResponse>,
): Promise<void> {
  const { trading, grid, usdc } = ctx;
  const receipt = await (await tx).wait();
  expect(parsed(trading, receipt!, "OrderFilled")).to.deep.equal(
    fills.map((f) => [f.id, epoch, f.owner.address, BigInt(f.side), f.filled, price, f.payment, f.fee, f.refund]),
  );

  const accounts = new Map<string, HardhatEthersSigner>();
  const gridDelta = new Map<string, bigint>();
  const usdcDelta = new Map<string, bigint>();
  let gridOut = 0n;
  let usdcOut = 0n;
  for (const f of fills) {
    const a = f.owner.address;
    accounts.set(a, f.owner);
    const [g, u] = f.side === Side.Buy ? [f.filled, f.refund] : [f.refund, f.payment];
    gridDelta.set(a, (gridDelta.get(a) ?? 0n) + g);
    usdcDelta.set(a, (usdcDelta.get(a) ?? 0n) + u);
    gridOut += g;
    usdcOut += u;
  }
  const owners = [...accounts.values()];
  await expect(tx).to.changeTokenBalances(
    grid,
    [...owners, trading],
    [...owners.map((o) => gridDelta.get(o.address)!), -gridOut],
  );
  await expect(tx).to.changeTokenBalances(
    usdc,
    [...owners, trading],
    [...owners.map((o) => usdcDelta.get(o.address)!), -usdcOut],
  );
  for (const f of fills) {
    const order = await trading.getOrder(f.id);
    expect([order.status, order.filled]).to.deep.equal([BigInt(OrderStatus.Settled), f.filled]);
  }
}

/** The contract holds exactly the outstanding credits of `accounts` once no epoch is open. */
export async function expectBalancesEqualCredits(ctx: Ctx, accounts: HardhatEthersSigner[]): Promise<void> {
  const { trading, grid, usdc } = ctx;
  for (const token of [grid, usdc]) {
    let owed = 0n;
    for (const a of accounts) owed += await trading.credits(a.address, token);
    expect(await token.balanceOf(trading)).to.equal(owed);
  }
}

export async function signPermit(
  token: GridToken | MockUSDC,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
) {
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const nonce = await token.nonces(owner.address);
  const signature = await owner.signTypedData(
    { name, version, chainId, verifyingContract },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: owner.address, spender, value, nonce, deadline },
  );
  return ethers.Signature.from(signature);
}

export async function epochResult(trading: Trading, epoch: bigint) {
  const r = await trading.getEpochResult(epoch);
  return {
    status: r.status,
    clearingPrice: r.clearingPrice,
    volume: r.volume,
    bidPrice: r.bidPrice,
    askPrice: r.askPrice,
    orderCount: r.orderCount,
    settledCount: r.settledCount,
    tickSize: r.tickSize,
    feeBps: r.feeBps,
  };
}

export async function order(trading: Trading, id: bigint) {
  const o = await trading.getOrder(id);
  return {
    owner: o.owner,
    side: o.side,
    status: o.status,
    epoch: o.epoch,
    amount: o.amount,
    price: o.price,
    filled: o.filled,
  };
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
export function bookA(ctx: Ctx): Placed[] {
  const { p1, p2, p3, c1, c2, c3 } = ctx;
  return [
    { signer: c1, side: Side.Buy, wh: 30, price: 600_000n },
    { signer: p1, side: Side.Sell, wh: 20, price: 400_000n },
    { signer: c2, side: Side.Buy, wh: 40, price: 500_000n },
    { signer: p2, side: Side.Sell, wh: 50, price: 500_000n },
    { signer: c3, side: Side.Buy, wh: 30, price: 500_000n },
    { signer: p3, side: Side.Sell, wh: 40, price: 500_000n },
    { signer: c1, side: Side.Buy, wh: 10, price: 400_000n },
    { signer: p1, side: Side.Sell, wh: 10, price: 600_000n },
    { signer: p2, side: Side.Sell, wh: 10, price: 500_000n },
  ];
}

/** Hand-computed settlement of book A at p = 500,000 (500 per Wh). */
export function bookAFills(ctx: Ctx, ids: bigint[]): Fill[] {
  const { p1, p2, p3, c1, c2, c3 } = ctx;
  return [
    {
      id: ids[0],
      owner: c1,
      side: Side.Buy,
      filled: wh(30),
      payment: 15_000n,
      fee: 0n,
      refund: 3_000n,
    },
    {
      id: ids[1],
      owner: p1,
      side: Side.Sell,
      filled: wh(20),
      payment: 10_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[2],
      owner: c2,
      side: Side.Buy,
      filled: wh(40),
      payment: 20_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[3],
      owner: p2,
      side: Side.Sell,
      filled: wh(50),
      payment: 25_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[4],
      owner: c3,
      side: Side.Buy,
      filled: wh(30),
      payment: 15_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[5],
      owner: p3,
      side: Side.Sell,
      filled: wh(30),
      payment: 15_000n,
      fee: 0n,
      refund: wh(10),
    },
    {
      id: ids[6],
      owner: c1,
      side: Side.Buy,
      filled: 0n,
      payment: 0n,
      fee: 0n,
      refund: 4_000n,
    },
    {
      id: ids[7],
      owner: p1,
      side: Side.Sell,
      filled: 0n,
      payment: 0n,
      fee: 0n,
      refund: wh(10),
    },
    {
      id: ids[8],
      owner: p2,
      side: Side.Sell,
      filled: 0n,
      payment: 0n,
      fee: 0n,
      refund: wh(10),
    },
  ];
}
