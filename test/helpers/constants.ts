/**
 * Units and the documented default market parameters (SPEC §9.1), as bigints.
 * GRID has 18 decimals and 1 GRID = 1 kWh, so one watt-hour is 1e15 base units; prices are payment-token
 * base units per 1e18 GRID (per kWh); the local payment token (MockUSDC) has 6 decimals.
 */

/** 1e18: one whole GRID (1 kWh) in base units, and the price denominator. */
export const WAD = 10n ** 18n;

/** One watt-hour in GRID base units; every order amount is a multiple of it. */
export const WH = 10n ** 15n;

/** One kWh (= one GRID) in GRID base units. */
export const KWH = WAD;

/** Basis-point denominator of `feeBps`. */
export const BPS = 10_000n;

/** Decimals of the local payment token. */
export const USDC_DECIMALS = 6;

/** One whole unit of the local payment token in base units. */
export const USDC = 10n ** 6n;

/** GRID base units for `n` watt-hours. */
export const wh = (n: bigint | number): bigint => BigInt(n) * WH;

/** GRID base units for `n` kWh. */
export const kwh = (n: bigint | number): bigint => BigInt(n) * KWH;

/** Defaults of the `GridMarket` Ignition module parameters. */
export const DEFAULT_EPOCH_LENGTH = 900n;
export const DEFAULT_TICK_SIZE = 100n;
export const DEFAULT_MAX_PRICE = 1_000_000n; // 1.00 USDC per kWh
export const DEFAULT_MIN_ORDER_AMOUNT = 10n ** 16n; // 0.01 kWh
export const DEFAULT_MAX_ORDERS_PER_USER = 100n;
export const DEFAULT_FEE_BPS = 0n;

/** Hard limits from `ITrading`. */
export const MAX_PRICE_LEVELS = 65_535n;
export const MAX_FEE_BPS = 1_000n;
export const MAX_ORDERS_PER_USER_LIMIT = 1_000n;

/** Order ids are `epoch << 32 | sequence`, the sequence counting from 1 within the epoch. */
export const orderId = (epoch: bigint, sequence: bigint | number): bigint => (epoch << 32n) | BigInt(sequence);
