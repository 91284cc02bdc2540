// The order form's rules, applied before anything is sent: each row's amount and price (whole watt-hours, the
// minimum, the tick, the cap), the per-epoch order limit, and the escrow the batch takes from the market account
// and, for the rest, from the wallet.
import { Side } from "../../lib/enums";
import {
  batchEscrow,
  formatKwh,
  formatMoney,
  type OrderRequest,
  parseKwhText,
  parsePriceText,
  shortfall,
} from "../../lib/quantities";

/** One row as typed: side, kWh and currency per kWh. */
export interface OrderRow {
  side: Side;
  kwh: string;
  price: string;
}

/** What the rules need to know. */
export interface FormContext {
  tickSize: bigint;
  maxPrice: bigint;
  minOrderAmount: bigint;
  maxOrdersPerUser: bigint;
  payment: { symbol: string; decimals: number };
  /** Orders this account already placed in the open epoch. */
  placedThisEpoch: number;
  /** Free balances of the market account. */
  account: { grid: bigint; payment: bigint };
  wallet: { grid: bigint; payment: bigint };
}

/** The form's verdict. */
export interface FormCheck {
  /** The orders, in base units, when every row is valid. */
  orders: OrderRequest[];
  /** Per row: what is wrong with it, if anything. */
  rowProblems: (string | undefined)[];
  /** What is wrong with the batch as a whole. */
  problems: string[];
  /** What the batch reserves, and what of it comes from the wallet. */
  escrow: { grid: bigint; payment: bigint };
  pull: { grid: bigint; payment: bigint };
}

/** Applies the market's rules to `rows`. */
export function checkOrders(rows: readonly OrderRow[], ctx: FormContext): FormCheck {
  const rules = { tickSize: ctx.tickSize, maxPrice: ctx.maxPrice, ...ctx.payment };
  const orders: OrderRequest[] = [];
  const rowProblems = rows.map((row): string | undefined => {
    const amount = parseKwhText(row.kwh);
    if (!amount.ok) return `Amount: ${amount.problem}.`;
    if (amount.value < ctx.minOrderAmount) {
      return `Amount: ${formatKwh(amount.value)} is below the minimum order of ${formatKwh(ctx.minOrderAmount)}.`;
    }
    const price = parsePriceText(row.price, rules);
    if (!price.ok) return `Price: ${price.problem}.`;
    orders.push({ side: row.side, amount: amount.value, price: price.value });
    return undefined;
  });
  const problems: string[] = [];
  if (rows.length === 0) problems.push("Add at least one order.");
  const limit = Number(ctx.maxOrdersPerUser);
  if (ctx.placedThisEpoch + rows.length > limit) {
    problems.push(
      `You have placed ${ctx.placedThisEpoch} of ${limit} orders this epoch; ${rows.length} more would pass the limit.`,
    );
  }
  const escrow = batchEscrow(orders);
  const pull = {
    grid: shortfall(ctx.account.grid, escrow.grid),
    payment: shortfall(ctx.account.payment, escrow.payment),
  };
  const money = (v: bigint) => formatMoney(v, ctx.payment.decimals, ctx.payment.symbol);
  if (pull.payment > ctx.wallet.payment) {
    problems.push(
      `The buy orders reserve ${money(escrow.payment)}: your market account has ${money(ctx.account.payment)} free ` +
        `and your wallet ${money(ctx.wallet.payment)}.`,
    );
  }
  if (pull.grid > ctx.wallet.grid) {
    problems.push(
      `The sell orders reserve ${formatKwh(escrow.grid)}: your market account has ${formatKwh(ctx.account.grid)} free ` +
        `and your wallet ${formatKwh(ctx.wallet.grid)}.`,
    );
  }
  return { orders: rowProblems.some((p) => p !== undefined) ? [] : orders, rowProblems, problems, escrow, pull };
}
