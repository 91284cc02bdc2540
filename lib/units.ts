// Human units ↔ on-chain base units, with the market's rules spelled out in the error messages. The quantities
// themselves live in lib/quantities.ts (plain TypeScript, shared with the web app); this file adds the CLI's errors.
//
//   energy   1 GRID = 1 kWh, 18 decimals; amounts are whole watt-hours (multiples of 1e15 base units)
//   money    the payment token's own decimals (6 for USDC)
//   price    payment-token base units per 1e18 GRID, i.e. "currency per kWh" written with the token's decimals
import { CliError } from "./errors";
import { KWH, type Parsed, parseDecimalText, parseKwhText, parsePriceText, type PriceRules, WH } from "./quantities";

export { buyEscrow, formatKwh, formatMoney, formatPrice, GRID_DECIMALS, KWH, type PriceRules, WH } from "./quantities";

/** 1e18: one whole GRID (1 kWh) in base units, and the price denominator. */
export const WAD = KWH;
/** Basis-point denominator of `feeBps`. */
export const BPS = 10_000n;
/** Decimals of the local payment token (MockUSDC). */
export const USDC_DECIMALS = 6;
/** One whole unit of the local payment token in base units. */
export const USDC = 10n ** 6n;

/** GRID base units for `n` watt-hours. */
export const wh = (n: bigint | number): bigint => BigInt(n) * WH;
/** GRID base units for `n` kWh. */
export const kwh = (n: bigint | number): bigint => BigInt(n) * KWH;

/** The value of `parsed`, or a {@link CliError} naming `option`. */
function orThrow(option: string, parsed: Parsed): bigint {
  if (!parsed.ok) throw new CliError(`${option}: ${parsed.problem}`);
  return parsed.value;
}

/** Parses a kWh amount ("1.5") into GRID base units; it must be a positive whole number of Wh. */
export function parseKwh(option: string, value: string): bigint {
  return orThrow(option, parseKwhText(value));
}

/** Parses an amount of the payment token ("12.34") into its base units. */
export function parseMoney(option: string, value: string, decimals: number, symbol: string): bigint {
  return orThrow(option, parseDecimalText(value, decimals, symbol));
}

/**
 * Parses a price in currency per kWh ("0.25") into payment-token base units per 1e18 GRID, and checks it against
 * the market's tick size and price cap so that the operator sees the rule in human units, not a revert.
 */
export function parsePrice(option: string, value: string, rules: PriceRules): bigint {
  return orThrow(option, parsePriceText(value, rules));
}

/** Parses a non-negative integer option ("42"), optionally bounded. */
export function parseInteger(option: string, value: string, min = 0n, max?: bigint): bigint {
  const text = value.trim();
  if (!/^\d+$/.test(text)) throw new CliError(`${option}: "${value}" is not a non-negative integer`);
  const n = BigInt(text);
  if (n < min) throw new CliError(`${option}: ${n} is below the minimum ${min}`);
  if (max !== undefined && n > max) throw new CliError(`${option}: ${n} is above the maximum ${max}`);
  return n;
}
