// Orders in human units: place one or several (reserved from the market account, the shortfall pulled from the
// wallet with an approval as needed), cancel one or several (escrow back to the account), list; and the local
// payment-token faucet.
import type { Signer } from "ethers";
import { task } from "hardhat/config";

import type { MockUSDC } from "../typechain-types";
import { type Context, ensureAllowance, gridTask } from "./common";
import { readBalances } from "../lib/accounts";
import type { Deployment } from "../lib/deployment";
import { CliError, ensure } from "../lib/errors";
import {
  listOrders,
  orderHistory,
  type OrderRequest,
  type OrderView,
  parseOrderSpecs,
  readOrder,
  batchEscrow,
  escrowOf,
  shortfall,
} from "../lib/orders";
import { say, sayFields, sayTable } from "../lib/output";
import { eventsOf, send } from "../lib/tx";
import { formatKwh, formatMoney, formatPrice, parseInteger, parseKwh, parseMoney, parsePrice } from "../lib/units";
import { parseAddress, parseChoice } from "../lib/validate";
import { Side, SIDES } from "../lib/enums";

export { readOrder, type OrderView } from "../lib/orders";

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

/** A placed order as the place tasks return it. */
export interface PlacedOrder extends OrderView {
  escrow: bigint;
}

/**
 * Checks what Trading would refuse before sending `orders` from the signer in the current epoch (eligibility,
 * minimum, per-epoch limit, funds in account plus wallet), then approves the wallet shortfalls as needed.
 * Returns the epoch and what the orders pull from the wallet.
 */
async function preparePlacement(ctx: Context, orders: OrderRequest[]): Promise<{ grid: bigint; payment: bigint }> {
  const { d, signer } = ctx;
  const [minOrderAmount, maxOrders, epoch] = await Promise.all([
    d.trading.minOrderAmount(),
    d.trading.maxOrdersPerUser(),
    d.trading.currentEpoch(),
  ]);
  for (const o of orders) {
    ensure(
      o.amount >= minOrderAmount,
      `--amount: ${formatKwh(o.amount)} is below the minimum order ${formatKwh(minOrderAmount)}`,
    );
  }
  const [marketMaker, verified, prosumer, placed, balances] = await Promise.all([
    d.trading.isMarketMaker(signer.address),
    d.registry.isUserVerified(signer.address),
    d.registry.isProsumer(signer.address),
    d.trading.getUserOrders(signer.address, epoch),
    readBalances(d, signer.address),
  ]);
  if (orders.some((o) => o.side === Side.Sell)) {
    ensure(prosumer || marketMaker, `${signer.address} may not sell: only active prosumers and market makers may`);
  }
  if (orders.some((o) => o.side === Side.Buy)) {
    ensure(
      verified || marketMaker,
      `${signer.address} may not buy: it is not an active registered user or market maker`,
    );
  }
  ensure(
    BigInt(placed.length + orders.length) <= maxOrders,
    `${signer.address} already placed ${placed.length} orders in epoch ${epoch}, the limit is ${maxOrders}`,
  );

  const money = (x: bigint) => formatMoney(x, d.payment.decimals, d.payment.symbol);
  const need = batchEscrow(orders);
  const pull = {
    grid: shortfall(balances.account.grid, need.grid),
    payment: shortfall(balances.account.payment, need.payment),
  };
  const what = orders.length > 1 ? "these orders" : orders[0].side === Side.Sell ? "this ask" : "this bid";
  const verb = orders.length > 1 ? "reserve" : "reserves";
  ensure(
    pull.grid <= balances.wallet.grid,
    `${what} ${verb} ${formatKwh(need.grid)} of GRID; ${signer.address} has ${formatKwh(balances.account.grid)} in its account and ${formatKwh(balances.wallet.grid)} in its wallet`,
  );
  ensure(
    pull.payment <= balances.wallet.payment,
    `${what} ${verb} ${money(need.payment)}; ${signer.address} has ${money(balances.account.payment)} in its account and ${money(balances.wallet.payment)} in its wallet`,
  );
  await ensureAllowance(ctx, d.gridToken, "GRID", pull.grid);
  await ensureAllowance(ctx, d.paymentToken, d.payment.symbol, pull.payment);
  return pull;
}

/** The orders an order transaction created, read back from storage, with their escrow. */
async function createdOrders(d: Deployment, receipt: Parameters<typeof eventsOf>[0]): Promise<PlacedOrder[]> {
  const created = eventsOf(receipt, d.trading, "OrderCreated");
  if (created.length === 0) throw new CliError("the order transaction emitted no OrderCreated event");
  return Promise.all(
    created.map(async (ev) => ({
      ...(await readOrder(d, BigInt(ev.args.orderId as bigint))),
      escrow: escrowOf({
        side: Number(ev.args.side) as Side,
        amount: BigInt(ev.args.amount as bigint),
        price: BigInt(ev.args.price as bigint),
      }),
    })),
  );
}

function pulledLine(d: Deployment, pull: { grid: bigint; payment: bigint }): string {
  const parts = [];
  if (pull.grid > 0n) parts.push(formatKwh(pull.grid));
  if (pull.payment > 0n) parts.push(formatMoney(pull.payment, d.payment.decimals, d.payment.symbol));
  return parts.length === 0 ? "nothing (all from the account)" : parts.join(" and ");
}

gridTask(
  task(
    "gridmarket:place-order",
    "Places a buy or sell order in the current epoch, in kWh and currency per kWh; the escrow comes from your market account, the shortfall from your wallet",
  )
    .addParam("side", "buy or sell")
    .addParam("amount", "Energy in kWh, whole Wh (e.g. 1.25)")
    .addParam("price", "Limit price in the payment currency per kWh (e.g. 0.25)"),
  (args: { side: string; amount: string; price: string }) => ({
    side: parseChoice("--side", args.side, SIDES),
    amount: parseKwh("--amount", args.amount),
    price: args.price,
  }),
  async (ctx, { side, amount, price: priceText }) => {
    const { d } = ctx;
    const [tickSize, maxPrice] = await Promise.all([d.trading.tickSize(), d.trading.maxPrice()]);
    const price = parsePrice("--price", priceText, { tickSize, maxPrice, ...d.payment });
    const request: OrderRequest = { side: side === "Sell" ? Side.Sell : Side.Buy, amount, price };
    const pull = await preparePlacement(ctx, [request]);

    const receipt = await send(
      side === "Sell" ? "createSellOrder" : "createBuyOrder",
      () => (side === "Sell" ? d.trading.createSellOrder(amount, price) : d.trading.createBuyOrder(amount, price)),
      ctx.decoders,
    );
    const [order] = await createdOrders(d, receipt);
    const closes = await d.trading.epochEnd(order.epoch);
    say(`Order ${order.orderId} placed:`);
    sayFields([
      ["side", order.side],
      ["amount", formatKwh(order.amount)],
      ["limit price", formatPrice(order.price, d.payment.decimals, d.payment.symbol)],
      [
        "escrow",
        side === "Sell" ? formatKwh(order.escrow) : formatMoney(order.escrow, d.payment.decimals, d.payment.symbol),
      ],
      ["from the wallet", pulledLine(d, pull)],
      ["epoch", `${order.epoch} (gate closes ${new Date(Number(closes) * 1000).toISOString()})`],
    ]);
    return order;
  },
);

gridTask(
  task(
    "gridmarket:place-orders",
    'Places several orders in one transaction (createOrders), e.g. --orders "sell:1.5@0.20,buy:1@0.30"',
  ).addParam("orders", "Comma-separated side:kWh@price specs (price in the payment currency per kWh)"),
  async (ctx, args: { orders: string }) => {
    const { d } = ctx;
    const [tickSize, maxPrice] = await Promise.all([d.trading.tickSize(), d.trading.maxPrice()]);
    const requests = parseOrderSpecs("--orders", args.orders, { tickSize, maxPrice, ...d.payment });
    const pull = await preparePlacement(ctx, requests);
    const receipt = await send(
      `createOrders (${requests.length})`,
      () => d.trading.createOrders(requests.map((r) => ({ side: r.side, amount: r.amount, price: r.price }))),
      ctx.decoders,
    );
    const orders = await createdOrders(d, receipt);
    say(`${orders.length} order(s) placed in epoch ${orders[0].epoch}; from the wallet: ${pulledLine(d, pull)}`);
    sayTable(
      ORDER_HEADER,
      orders.map((o) => orderRow(d, o)),
    );
    return orders;
  },
);

/** Checks that the signer may cancel `orderId` now; returns the order. */
async function cancellable(ctx: Context, orderId: bigint, now: bigint): Promise<OrderView> {
  const { d, signer } = ctx;
  let before: OrderView;
  try {
    before = await readOrder(d, orderId);
  } catch {
    throw new CliError(`order ${orderId} does not exist`);
  }
  ensure(before.owner === signer.address, `order ${orderId} belongs to ${before.owner}, not ${signer.address}`);
  ensure(before.status === "Open", `order ${orderId} is ${before.status.toLowerCase()}, not open`);
  const closes = await d.trading.epochEnd(before.epoch);
  ensure(
    now < closes,
    `order ${orderId}'s epoch ${before.epoch} closed at ${new Date(Number(closes) * 1000).toISOString()}; ` +
      `it is locked until the epoch settles`,
  );
  return before;
}

/** Cancels `orderIds` (one call for one id, `cancelOrders` for several) and reports the refunds to the account. */
async function cancel(ctx: Context, orderIds: bigint[], latestTime: bigint) {
  const { d, signer } = ctx;
  for (const id of orderIds) await cancellable(ctx, id, latestTime);
  const receipt = await send(
    orderIds.length === 1 ? "cancelOrder" : `cancelOrders (${orderIds.length})`,
    () => (orderIds.length === 1 ? d.trading.cancelOrder(orderIds[0]) : d.trading.cancelOrders(orderIds)),
    ctx.decoders,
  );
  const refunds = new Map(
    eventsOf(receipt, d.trading, "OrderCancelled").map((ev) => [
      BigInt(ev.args.orderId as bigint),
      BigInt(ev.args.refund as bigint),
    ]),
  );
  const money = (x: bigint) => formatMoney(x, d.payment.decimals, d.payment.symbol);
  const cancelled = [];
  for (const id of orderIds) {
    const after = await readOrder(d, id);
    const refund = refunds.get(id) ?? 0n;
    say(
      `Order ${id} ${after.status.toLowerCase()}; ${after.side === "Sell" ? formatKwh(refund) : money(refund)} back to the account`,
    );
    cancelled.push({ ...after, refund });
  }
  const balances = await readBalances(d, signer.address);
  say(`Account of ${signer.address}: ${formatKwh(balances.account.grid)}, ${money(balances.account.payment)}`);
  return { cancelled, account: balances.account };
}

/** `--order-ids`: distinct order ids, comma or space separated. */
function parseOrderIds(args: { orderIds: string }): bigint[] {
  const parts = args.orderIds.split(/[,\s]+/).filter((p) => p !== "");
  ensure(parts.length > 0, "--order-ids: give at least one order id");
  const orderIds = parts.map((p) => parseInteger("--order-ids", p, 1n));
  ensure(new Set(orderIds).size === orderIds.length, "--order-ids: an order id is listed twice");
  return orderIds;
}

async function chainTime(ctx: Context): Promise<bigint> {
  const latest = await ctx.signer.provider.getBlock("latest");
  return BigInt(latest?.timestamp ?? 0);
}

gridTask(
  task(
    "gridmarket:cancel-order",
    "Cancels your open order before its gate closure; the escrow goes back to your market account at once",
  ).addParam("orderId", "The order id"),
  (args: { orderId: string }) => parseInteger("--order-id", args.orderId, 1n),
  async (ctx, orderId) => {
    const { cancelled, account } = await cancel(ctx, [orderId], await chainTime(ctx));
    return { ...cancelled[0], account };
  },
);

gridTask(
  task(
    "gridmarket:cancel-orders",
    "Cancels several of your open orders in one transaction (cancelOrders); escrow back to your market account",
  ).addParam("orderIds", "Comma-separated order ids"),
  parseOrderIds,
  async (ctx, orderIds) => {
    return cancel(ctx, orderIds, await chainTime(ctx));
  },
);

gridTask(
  task(
    "gridmarket:orders",
    "Lists an account's orders in an epoch (storage for its latest epoch, the events for earlier ones)",
  )
    .addOptionalParam("account", "Whose orders (default: the sender)")
    .addOptionalParam("epoch", "Epoch (default: the current one)")
    .addFlag("history", "Every epoch, from the OrderCreated/OrderCancelled/OrderFilled events"),
  async (ctx, args: { account?: string; epoch?: string; history: boolean }) => {
    const account = args.account === undefined ? ctx.signer.address : parseAddress("--account", args.account);
    let orders: OrderView[];
    if (args.history) {
      const epoch = args.epoch === undefined ? undefined : parseInteger("--epoch", args.epoch);
      orders = await orderHistory(ctx.d, account, { epoch });
      say(
        `${orders.length} order(s) of ${account}${epoch === undefined ? "" : ` in epoch ${epoch}`} (from the events)`,
      );
    } else {
      const epoch = args.epoch === undefined ? await ctx.d.trading.currentEpoch() : parseInteger("--epoch", args.epoch);
      const listed = await listOrders(ctx.d, account, epoch);
      orders = listed.orders;
      say(
        `${orders.length} order(s) of ${account} in epoch ${epoch} (from ${listed.source === "storage" ? "storage" : "the events: Trading keeps only the account's latest epoch"})`,
      );
    }
    if (orders.length > 0)
      sayTable(
        ORDER_HEADER,
        orders.map((o) => orderRow(ctx.d, o)),
      );
    return orders;
  },
);

gridTask(
  task("gridmarket:mint-payment-token", "Local chains only: mints MockUSDC (anyone may) to an account")
    .addParam("to", "Recipient")
    .addParam("amount", "Amount in the token's units (e.g. 100 for 100 USDC)"),
  (args: { to: string; amount: string }) => ({ to: parseAddress("--to", args.to), amount: args.amount }),
  async (ctx, { to, amount: amountText }, hre) => {
    const { d } = ctx;
    ensure(d.chainId === 31337n, `the payment token of chain ${d.chainId} is a real token: it cannot be minted here`);
    const amount = parseMoney("--amount", amountText, d.payment.decimals, d.payment.symbol);
    const mock = (await hre.ethers.getContractAt(
      "MockUSDC",
      d.payment.address,
      ctx.signer as Signer,
    )) as unknown as MockUSDC;
    await send(`mint ${d.payment.symbol}`, () => mock.mint(to, amount), ctx.decoders);
    const balance = await d.paymentToken.balanceOf(to);
    say(`${to} now holds ${formatMoney(balance, d.payment.decimals, d.payment.symbol)}`);
    return balance;
  },
);
