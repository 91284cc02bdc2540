// Human units ↔ on-chain base units, with the market's rules spelled out in the error messages.
//
//   energy   1 GRID = 1 kWh, 18 decimals; amounts are whole watt-hours (multiples of 1e15 base units)
//   money    the payment token's own decimals (6 for USDC)
//   price    payment-token base units per 1e18 GRID, i.e. "currency per kWh" written with the token's decimals
import { formatUnits, parseUnits } from "ethers";

import { CliError } from "./errors";

/** GRID decimals. */
export const GRID_DECIMALS = 18;
/** GRID base units per watt-hour: the unit meters measure and GRID is minted in. */
export const WH = 10n ** 15n;
/** GRID base units per kWh (one GRID); also 1e18, the price denominator. */
export const KWH = 10n ** 18n;
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

const DECIMAL = /^\d+(\.\d+)?$/;

function parseDecimal(option: string, value: string, decimals: number, unit: string): bigint {
  const text = value.trim();
  if (!DECIMAL.test(text)) {
    throw new CliError(`${option}: "${value}" is not a non-negative decimal number of ${unit}`);
  }
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > decimals) {
    throw new CliError(`${option}: "${value}" has ${fraction.length} decimals; ${unit} take at most ${decimals}`);
  }
  return parseUnits(text, decimals);
}

/** Parses a kWh amount ("1.5") into GRID base units; it must be a positive whole number of Wh. */
export function parseKwh(option: string, value: string): bigint {
  const amount = parseDecimal(option, value, GRID_DECIMALS, "kWh");
  if (amount === 0n) throw new CliError(`${option}: the amount must be positive`);
  if (amount % WH !== 0n) {
    throw new CliError(`${option}: ${value} kWh is not a whole number of watt-hours (at most 3 decimals of kWh)`);
  }
  return amount;
}

/** Formats GRID base units as kWh ("1.5 kWh"). */
export function formatKwh(amount: bigint): string {
  return `${trimZeros(formatUnits(amount, GRID_DECIMALS))} kWh`;
}

/** Parses an amount of the payment token ("12.34") into its base units. */
export function parseMoney(option: string, value: string, decimals: number, symbol: string): bigint {
  return parseDecimal(option, value, decimals, symbol);
}

/** Formats payment-token base units ("12.34 USDC"). */
export function formatMoney(amount: bigint, decimals: number, symbol: string): string {
  return `${trimZeros(formatUnits(amount, decimals))} ${symbol}`;
}

/** Market price rules, as read from `Trading`. */
export interface PriceRules {
  tickSize: bigint;
  maxPrice: bigint;
  decimals: number;
  symbol: string;
}

/**
 * Parses a price in currency per kWh ("0.25") into payment-token base units per 1e18 GRID, and checks it against
 * the market's tick size and price cap so that the operator sees the rule in human units, not a revert.
 */
export function parsePrice(option: string, value: string, rules: PriceRules): bigint {
  const price = parseDecimal(option, value, rules.decimals, `${rules.symbol} per kWh`);
  const human = (p: bigint) => `${formatMoney(p, rules.decimals, rules.symbol)}/kWh`;
  if (price === 0n) throw new CliError(`${option}: the price must be positive`);
  if (price % rules.tickSize !== 0n) {
    throw new CliError(`${option}: ${human(price)} is not a multiple of the tick size ${human(rules.tickSize)}`);
  }
  if (price > rules.maxPrice) {
    throw new CliError(`${option}: ${human(price)} is above the regulator's price cap ${human(rules.maxPrice)}`);
  }
  return price;
}

/** Formats a price ("0.25 USDC/kWh"). */
export function formatPrice(price: bigint, decimals: number, symbol: string): string {
  return `${formatMoney(price, decimals, symbol)}/kWh`;
}

/** The payment-token escrow of a buy order: `ceil(amount * price / 1e18)`, as `Trading` computes it (there in whole
 * watt-hours: `ceil(wh * price / 1000)`, the same value since `amount` is `wh * 1e15`). */
export function buyEscrow(amount: bigint, price: bigint): bigint {
  return (amount * price + KWH - 1n) / KWH;
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

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
