// Orders as Trading keeps them in the accounts release: batch specs ("buy:1.5@0.25"), what an order reserves,
// the live view of an account's latest epoch (`getUserOrders`/`getOrder`) and the history of earlier epochs, which
// lives only in the events (`OrderCreated` by owner, with its `OrderCancelled` and `OrderFilled`).
import type { Deployment } from "./deployment";
import { decodeRevert } from "./tx";
import { CliError } from "./errors";
import { ORDER_STATUSES, Side, SIDES } from "./enums";
import { queryEvents } from "./events";
import { fillOutcome, type OrderRequest } from "./quantities";
import { parseKwh, parsePrice, type PriceRules } from "./units";

export { batchEscrow, escrowOf, type OrderRequest, shortfall } from "./quantities";

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

const SPEC = /^\s*(buy|sell)\s*:\s*([^@\s]+)\s*@\s*(\S+)\s*$/i;

/** Parses one `side:kWh@price` spec ("sell:1.5@0.20") into base units, checked against the price rules. */
export function parseOrderSpec(option: string, text: string, rules: PriceRules): OrderRequest {
  const match = SPEC.exec(text);
  if (match === null) throw new CliError(`${option}: "${text}" is not side:kWh@price (e.g. buy:1.5@0.25)`);
  const side = match[1].toLowerCase() === "buy" ? Side.Buy : Side.Sell;
  return {
    side,
    amount: parseKwh(`${option} "${text}"`, match[2]),
    price: parsePrice(`${option} "${text}"`, match[3], rules),
  };
}

/** Parses a comma- or space-separated list of `side:kWh@price` specs (at least one). */
export function parseOrderSpecs(option: string, text: string, rules: PriceRules): OrderRequest[] {
  const parts = text.split(/[,\s]+/).filter((p) => p !== "");
  if (parts.length === 0) throw new CliError(`${option}: give at least one side:kWh@price order`);
  return parts.map((part) => parseOrderSpec(option, part, rules));
}

/** Reads order `orderId` from storage (reverts with `TradingOrderPruned` once its slot was reused). */
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

/** A trade confirmation in full: the `OrderFilled` event with what follows from its order and its epoch. */
export interface FillView {
  orderId: bigint;
  epoch: bigint;
  owner: string;
  side: (typeof SIDES)[number];
  filled: bigint;
  clearingPrice: bigint;
  payment: bigint;
  fee: bigint;
  refund: bigint;
  blockNumber: number;
}

/**
 * The trade confirmations (`OrderFilled`) of `account` (or everyone's) in `epoch` (or every epoch), oldest first,
 * each completed from its order's `OrderCreated` and its epoch's `EpochMatched` (see `fillOutcome`).
 */
export async function fillHistory(
  d: Deployment,
  options: { epoch?: bigint; account?: string; fromBlock?: number } = {},
): Promise<FillView[]> {
  const from = options.fromBlock ?? d.deploymentBlock;
  const { filters } = d.trading;
  const [filled, created, matched] = await Promise.all([
    queryEvents(d.trading, filters.OrderFilled(undefined, options.account), from),
    queryEvents(d.trading, filters.OrderCreated(undefined, options.epoch, options.account), from),
    queryEvents(d.trading, filters.EpochMatched(options.epoch), from),
  ]);
  const orders = new Map(created.map((ev) => [BigInt(ev.args.orderId), ev.args]));
  const prices = new Map(matched.map((ev) => [BigInt(ev.args.epoch), BigInt(ev.args.clearingPrice)]));
  return filled.flatMap((ev): FillView[] => {
    const orderId = BigInt(ev.args.orderId);
    // Only the orders of the epoch asked for were read, so a fill of another epoch finds none.
    const order = orders.get(orderId);
    if (order === undefined) return [];
    const epoch = orderId >> 32n;
    const side = Number(order.side) as Side;
    const clearingPrice = prices.get(epoch) ?? 0n;
    const [filledAmount, payment] = [BigInt(ev.args.filled), BigInt(ev.args.payment)];
    const request = { side, amount: BigInt(order.amount), price: BigInt(order.price) };
    return [
      {
        orderId,
        epoch,
        owner: String(ev.args.owner),
        side: SIDES[side],
        filled: filledAmount,
        clearingPrice,
        payment,
        ...fillOutcome(request, clearingPrice, filledAmount, payment),
        blockNumber: ev.blockNumber,
      },
    ];
  });
}

/**
 * The orders `owner` placed, from the events: `OrderCreated` by owner (in `epoch` only, when given), with the
 * status and fill their `OrderCancelled` / `OrderFilled` events give (an order with neither is `Open`: waiting
 * for its epoch to clear). Works for every epoch, including those whose storage was reused.
 */
export async function orderHistory(
  d: Deployment,
  owner: string,
  options: { epoch?: bigint; fromBlock?: number } = {},
): Promise<OrderView[]> {
  const from = options.fromBlock ?? d.deploymentBlock;
  const { filters } = d.trading;
  const [created, cancelled, filled] = await Promise.all([
    queryEvents(d.trading, filters.OrderCreated(undefined, options.epoch, owner), from),
    queryEvents(d.trading, filters.OrderCancelled(undefined, options.epoch, owner), from),
    queryEvents(d.trading, filters.OrderFilled(undefined, owner), from),
  ]);
  const cancelledIds = new Set(cancelled.map((ev) => BigInt(ev.args.orderId)));
  const fills = new Map(filled.map((ev) => [BigInt(ev.args.orderId), BigInt(ev.args.filled)]));
  return created
    .map((ev): OrderView => {
      const orderId = BigInt(ev.args.orderId);
      const fill = fills.get(orderId);
      return {
        orderId,
        owner: String(ev.args.owner),
        side: SIDES[Number(ev.args.side)],
        status: cancelledIds.has(orderId) ? "Cancelled" : fill !== undefined ? "Settled" : "Open",
        epoch: BigInt(ev.args.epoch),
        amount: BigInt(ev.args.amount),
        price: BigInt(ev.args.price),
        filled: fill ?? 0n,
      };
    })
    .sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
}

/**
 * The orders `account` placed in `epoch`: from storage when `epoch` is the account's latest epoch with orders
 * (`getUserOrders`), from the events when Trading no longer keeps it (`TradingHistoryPruned`,
 * `TradingOrderPruned`). `source` says which.
 */
export async function listOrders(
  d: Deployment,
  account: string,
  epoch: bigint,
): Promise<{ orders: OrderView[]; source: "storage" | "events" }> {
  try {
    const ids = await d.trading.getUserOrders(account, epoch);
    return { orders: await Promise.all(ids.map((id) => readOrder(d, id))), source: "storage" };
  } catch (error) {
    const name = decodeRevert(error, [d.trading])?.name;
    if (name !== "TradingHistoryPruned" && name !== "TradingOrderPruned") throw error;
    return { orders: await orderHistory(d, account, { epoch }), source: "events" };
  }
}
