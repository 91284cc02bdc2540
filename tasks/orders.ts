// Orders in human units: place (escrow approved as needed), cancel, list; and the local payment-token faucet.
import type { Signer } from "ethers";
import { task } from "hardhat/config";

import type { MockUSDC } from "../typechain-types";
import { type CommonArgs, type Context, setup, withCommonParams } from "./common";
import type { Deployment } from "../lib/deployment";
import { CliError, ensure } from "../lib/errors";
import { say, sayFields, sayTable } from "../lib/output";
import { eventsOf, send } from "../lib/tx";
import {
  buyEscrow,
  formatKwh,
  formatMoney,
  formatPrice,
  parseInteger,
  parseKwh,
  parseMoney,
  parsePrice,
} from "../lib/units";
import { parseAddress, parseChoice } from "../lib/validate";
import { ORDER_STATUSES, SIDES } from "../lib/enums";

/** An order as the CLI prints it. */
export interface OrderView {
  orderId: bigint;
  owner: string;
  side: (typeof SIDES)[number];
  status: (typeof ORDER_STATUSES)[number];
  epoch: bigint;
  amount: bigint;
  price: bigint;
  filled: bigint;
}

/** Reads order `orderId`. */
export async function readOrder(d: Deployment, orderId: bigint): Promise<OrderView> {
  const o = await d.trading.getOrder(orderId);
  return {
    orderId,
    owner: o.owner,
    side: SIDES[Number(o.side)],
    status: ORDER_STATUSES[Number(o.status)],
    epoch: o.epoch,
    amount: o.amount,
    price: o.price,
    filled: o.filled,
  };
}

function orderRow(d: Deployment, o: OrderView): string[] {
  return [
    String(o.orderId),
    String(o.epoch),
    o.side,
    o.status,
    formatKwh(o.amount),
    formatPrice(o.price, d.payment.decimals, d.payment.symbol),
    formatKwh(o.filled),
  ];
}

const ORDER_HEADER = ["order id", "epoch", "side", "status", "amount", "limit price", "filled"];

/** Approves `spender` for `amount` of `token` when the allowance falls short. */
async function ensureAllowance(
  ctx: Context,
  token: Deployment["gridToken"] | Deployment["paymentToken"],
  label: string,
  amount: bigint,
): Promise<void> {
  const spender = await ctx.d.trading.getAddress();
  const allowance = await token.allowance(ctx.signer.address, spender);
  if (allowance >= amount) return;
  await send(`approve ${label}`, () => token.approve(spender, amount), ctx.decoders);
}

withCommonParams(
  task("gridmarket:place-order", "Places a buy or sell order in the current epoch, in kWh and currency per kWh")
    .addParam("side", "buy or sell")
    .addParam("amount", "Energy in kWh, whole Wh (e.g. 1.25)")
    .addParam("price", "Limit price in the payment currency per kWh (e.g. 0.25)"),
).setAction(async (args: CommonArgs & { side: string; amount: string; price: string }, hre) => {
  const side = parseChoice("--side", args.side, SIDES);
  const amount = parseKwh("--amount", args.amount);
  const ctx = await setup(hre, args);
  const { d, signer } = ctx;
  const [tickSize, maxPrice, minOrderAmount, maxOrders, epoch] = await Promise.all([
    d.trading.tickSize(),
    d.trading.maxPrice(),
    d.trading.minOrderAmount(),
    d.trading.maxOrdersPerUser(),
    d.trading.currentEpoch(),
  ]);
  const price = parsePrice("--price", args.price, { tickSize, maxPrice, ...d.payment });
  ensure(
    amount >= minOrderAmount,
    `--amount: ${formatKwh(amount)} is below the minimum order ${formatKwh(minOrderAmount)}`,
  );

  const [marketMaker, verified, prosumer, placed] = await Promise.all([
    d.trading.isMarketMaker(signer.address),
    d.registry.isUserVerified(signer.address),
    d.registry.isProsumer(signer.address),
    d.trading.getUserOrders(signer.address, epoch),
  ]);
  if (side === "Sell") {
    ensure(prosumer || marketMaker, `${signer.address} may not sell: only active prosumers and market makers may`);
  } else {
    ensure(
      verified || marketMaker,
      `${signer.address} may not buy: it is not an active registered user or market maker`,
    );
  }
  ensure(
    BigInt(placed.length) < maxOrders,
    `${signer.address} already placed ${placed.length} orders in epoch ${epoch}, the limit is ${maxOrders}`,
  );

  const money = (x: bigint) => formatMoney(x, d.payment.decimals, d.payment.symbol);
  if (side === "Sell") {
    const balance = await d.gridToken.balanceOf(signer.address);
    ensure(
      balance >= amount,
      `selling ${formatKwh(amount)} needs that much GRID; ${signer.address} holds ${formatKwh(balance)}`,
    );
    await ensureAllowance(ctx, d.gridToken, "GRID", amount);
  } else {
    const escrow = buyEscrow(amount, price);
    const balance = await d.paymentToken.balanceOf(signer.address);
    ensure(balance >= escrow, `this bid escrows ${money(escrow)}; ${signer.address} holds ${money(balance)}`);
    await ensureAllowance(ctx, d.paymentToken, d.payment.symbol, escrow);
  }

  const receipt = await send(
    side === "Sell" ? "createSellOrder" : "createBuyOrder",
    () => (side === "Sell" ? d.trading.createSellOrder(amount, price) : d.trading.createBuyOrder(amount, price)),
    ctx.decoders,
  );
  const [created] = eventsOf(receipt, d.trading, "OrderCreated");
  if (created === undefined) throw new CliError("the order transaction emitted no OrderCreated event");
  const orderId = BigInt(created.args.orderId as bigint);
  const escrow = BigInt(created.args.escrow as bigint);
  const order = await readOrder(d, orderId);
  const closes = await d.trading.epochEnd(order.epoch);
  say(`Order ${orderId} placed:`);
  sayFields([
    ["side", order.side],
    ["amount", formatKwh(order.amount)],
    ["limit price", formatPrice(order.price, d.payment.decimals, d.payment.symbol)],
    ["escrow", side === "Sell" ? formatKwh(escrow) : money(escrow)],
    ["epoch", `${order.epoch} (gate closes ${new Date(Number(closes) * 1000).toISOString()})`],
  ]);
  return { ...order, escrow };
});

withCommonParams(
  task(
    "gridmarket:cancel-order",
    "Cancels your open order before its gate closure; the escrow comes back at once",
  ).addParam("orderId", "The order id"),
).setAction(async (args: CommonArgs & { orderId: string }, hre) => {
  const orderId = parseInteger("--order-id", args.orderId, 1n);
  const ctx = await setup(hre, args);
  const { d, signer } = ctx;
  let before: OrderView;
  try {
    before = await readOrder(d, orderId);
  } catch {
    throw new CliError(`order ${orderId} does not exist`);
  }
  ensure(before.owner === signer.address, `order ${orderId} belongs to ${before.owner}, not ${signer.address}`);
  ensure(before.status === "Open", `order ${orderId} is ${before.status.toLowerCase()}, not open`);
  const [closes, latest] = await Promise.all([
    d.trading.epochEnd(before.epoch),
    hre.ethers.provider.getBlock("latest"),
  ]);
  ensure(
    BigInt(latest?.timestamp ?? 0) < closes,
    `order ${orderId}'s epoch ${before.epoch} closed at ${new Date(Number(closes) * 1000).toISOString()}; ` +
      `it is locked until the epoch settles`,
  );

  const receipt = await send("cancelOrder", () => d.trading.cancelOrder(orderId), ctx.decoders);
  const [cancelled] = eventsOf(receipt, d.trading, "OrderCancelled");
  const refund = cancelled === undefined ? 0n : BigInt(cancelled.args.refund as bigint);
  const after = await readOrder(d, orderId);
  say(
    `Order ${orderId} ${after.status.toLowerCase()}; refunded ` +
      (after.side === "Sell" ? formatKwh(refund) : formatMoney(refund, d.payment.decimals, d.payment.symbol)),
  );
  return { ...after, refund };
});

withCommonParams(
  task("gridmarket:orders", "Lists an account's orders in an epoch")
    .addOptionalParam("account", "Whose orders (default: the sender)")
    .addOptionalParam("epoch", "Epoch (default: the current one)"),
).setAction(async (args: CommonArgs & { account?: string; epoch?: string }, hre) => {
  const ctx = await setup(hre, args);
  const account = args.account === undefined ? ctx.signer.address : parseAddress("--account", args.account);
  const epoch = args.epoch === undefined ? await ctx.d.trading.currentEpoch() : parseInteger("--epoch", args.epoch);
  const ids = await ctx.d.trading.getUserOrders(account, epoch);
  const orders = await Promise.all(ids.map((id) => readOrder(ctx.d, id)));
  say(`${orders.length} order(s) of ${account} in epoch ${epoch}`);
  if (orders.length > 0)
    sayTable(
      ORDER_HEADER,
      orders.map((o) => orderRow(ctx.d, o)),
    );
  return orders;
});

withCommonParams(
  task("gridmarket:mint-payment-token", "Local chains only: mints MockUSDC (anyone may) to an account")
    .addParam("to", "Recipient")
    .addParam("amount", "Amount in the token's units (e.g. 100 for 100 USDC)"),
).setAction(async (args: CommonArgs & { to: string; amount: string }, hre) => {
  const to = parseAddress("--to", args.to);
  const ctx = await setup(hre, args);
  const { d } = ctx;
  ensure(d.chainId === 31337n, `the payment token of chain ${d.chainId} is a real token: it cannot be minted here`);
  const amount = parseMoney("--amount", args.amount, d.payment.decimals, d.payment.symbol);
  const mock = (await hre.ethers.getContractAt(
    "MockUSDC",
    d.payment.address,
    ctx.signer as Signer,
  )) as unknown as MockUSDC;
  await send(`mint ${d.payment.symbol}`, () => mock.mint(to, amount), ctx.decoders);
  const balance = await d.paymentToken.balanceOf(to);
  say(`${to} now holds ${formatMoney(balance, d.payment.decimals, d.payment.symbol)}`);
  return balance;
});
