// Quantities and the market's order rules in plain TypeScript: no Node, Hardhat or ethers imports, so the web app
// bundles this file as it is. lib/units.ts re-exports it for the CLI, turning the problems it reports into CliErrors.
//
//   energy   1 GRID = 1 kWh, 18 decimals; amounts are whole watt-hours (multiples of 1e15 base units)
//   money    the payment token's own decimals (6 for USDC)
//   price    payment-token base units per 1e18 GRID, i.e. "currency per kWh" written with the token's decimals
import { Side } from "./enums";

/** GRID decimals. */
export const GRID_DECIMALS = 18;
/** GRID base units per watt-hour: the unit meters measure and GRID is minted in. */
export const WH = 10n ** 15n;
/** GRID base units per kWh (one GRID); also 1e18, the price denominator. */
export const KWH = 10n ** 18n;

/** The outcome of parsing text a person typed: the value, or what is wrong with it (no option name). */
export type Parsed = { ok: true; value: bigint } | { ok: false; problem: string };

const DECIMAL = /^\d+(\.\d+)?$/;

/** Base units of a non-negative decimal text with at most `decimals` decimals ("1.5" → 1_500_000 for 6). */
export function parseDecimalText(value: string, decimals: number, unit: string): Parsed {
  const text = value.trim();
  if (!DECIMAL.test(text)) return { ok: false, problem: `"${value}" is not a non-negative decimal number of ${unit}` };
  const [whole, fraction = ""] = text.split(".");
  if (fraction.length > decimals) {
    return { ok: false, problem: `"${value}" has ${fraction.length} decimals; ${unit} take at most ${decimals}` };
  }
  return { ok: true, value: BigInt(whole + fraction.padEnd(decimals, "0")) };
}

/** Decimal text of `amount` base units with `decimals` decimals, without trailing zeros ("1.5"). */
export function formatDecimal(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** Parses a kWh amount ("1.5") into GRID base units; it must be a positive whole number of Wh. */
export function parseKwhText(value: string): Parsed {
  const parsed = parseDecimalText(value, GRID_DECIMALS, "kWh");
  if (!parsed.ok) return parsed;
  if (parsed.value === 0n) return { ok: false, problem: "the amount must be positive" };
  if (parsed.value % WH !== 0n) {
    return {
      ok: false,
      problem: `${value.trim()} kWh is not a whole number of watt-hours (at most 3 decimals of kWh)`,
    };
  }
  return parsed;
}

/** Formats GRID base units as kWh ("1.5 kWh"). */
export function formatKwh(amount: bigint): string {
  return `${formatDecimal(amount, GRID_DECIMALS)} kWh`;
}

/** Formats payment-token base units ("12.34 USDC"). */
export function formatMoney(amount: bigint, decimals: number, symbol: string): string {
  return `${formatDecimal(amount, decimals)} ${symbol}`;
}

/** Formats a price ("0.25 USDC/kWh"). */
export function formatPrice(price: bigint, decimals: number, symbol: string): string {
  return `${formatMoney(price, decimals, symbol)}/kWh`;
}

/** Market price rules, as read from `Trading`. */
export interface PriceRules {
  tickSize: bigint;
  maxPrice: bigint;
  decimals: number;
  symbol: string;
}

/** Parses a price in currency per kWh ("0.25") and checks it against the tick size and the price cap. */
export function parsePriceText(value: string, rules: PriceRules): Parsed {
  const parsed = parseDecimalText(value, rules.decimals, `${rules.symbol} per kWh`);
  if (!parsed.ok) return parsed;
  const price = parsed.value;
  const human = (p: bigint) => formatPrice(p, rules.decimals, rules.symbol);
  if (price === 0n) return { ok: false, problem: "the price must be positive" };
  if (price % rules.tickSize !== 0n) {
    return { ok: false, problem: `${human(price)} is not a multiple of the tick size ${human(rules.tickSize)}` };
  }
  if (price > rules.maxPrice) {
    return { ok: false, problem: `${human(price)} is above the regulator's price cap ${human(rules.maxPrice)}` };
  }
  return parsed;
}

/** The payment-token escrow of a buy order: `ceil(amount * price / 1e18)`, as `Trading` computes it (there in whole
 * watt-hours: `ceil(wh * price / 1000)`, the same value since `amount` is `wh * 1e15`). */
export function buyEscrow(amount: bigint, price: bigint): bigint {
  return (amount * price + KWH - 1n) / KWH;
}

/** One order, in base units. */
export interface OrderRequest {
  side: Side;
  amount: bigint;
  price: bigint;
}

/** What an order reserves: GRID base units for a sell, `ceil(amount * price / 1e18)` payment token for a buy. */
export function escrowOf(order: OrderRequest): bigint {
  return order.side === Side.Sell ? order.amount : buyEscrow(order.amount, order.price);
}

/**
 * The parts of a trade confirmation that `OrderFilled` leaves to other events (see ITrading.OrderFilled): from the
 * order as placed (`OrderCreated`), its epoch's clearing price (`EpochMatched`) and the event's `filled` and
 * `payment`. A sell's fee is `floor(filled * price / 1e18) - payment` (a buy pays none); the refund to the account
 * is the rest of a buy's escrow (payment token) or a sell's unfilled GRID.
 */
export function fillOutcome(
  order: OrderRequest,
  clearingPrice: bigint,
  filled: bigint,
  payment: bigint,
): { fee: bigint; refund: bigint } {
  if (order.side === Side.Buy) return { fee: 0n, refund: escrowOf(order) - payment };
  return { fee: (filled * clearingPrice) / KWH - payment, refund: order.amount - filled };
}

/** The total GRID and payment token a batch reserves. */
export function batchEscrow(orders: readonly OrderRequest[]): { grid: bigint; payment: bigint } {
  let grid = 0n;
  let payment = 0n;
  for (const o of orders) {
    if (o.side === Side.Sell) grid += escrowOf(o);
    else payment += escrowOf(o);
  }
  return { grid, payment };
}

/** What an order pulls from the wallet: the part of `need` the account's free balance does not cover. */
export function shortfall(free: bigint, need: bigint): bigint {
  return need > free ? need - free : 0n;
}
