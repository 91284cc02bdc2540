/**
 * Units and the documented default market parameters (SPEC §9.1), as bigints: one definition each, in lib/.
 * GRID has 18 decimals and 1 GRID = 1 kWh, so one watt-hour is 1e15 base units; prices are payment-token
 * base units per 1e18 GRID (per kWh); the local payment token (MockUSDC) has 6 decimals.
 */
import { MARKET_DEFAULTS } from "../../lib/market";

export { BPS, KWH, USDC, USDC_DECIMALS, WAD, WH, kwh, wh } from "../../lib/units";
export { MAX_FEE_BPS, MAX_ORDERS_PER_USER_LIMIT, MAX_PRICE_LEVELS, orderId } from "../../lib/market";

/** Defaults of the `GridMarket` Ignition module parameters. */
export const DEFAULT_EPOCH_LENGTH = MARKET_DEFAULTS.epochLength;
export const DEFAULT_TICK_SIZE = MARKET_DEFAULTS.tickSize;
export const DEFAULT_MAX_PRICE = MARKET_DEFAULTS.maxPrice; // 1.00 USDC per kWh
export const DEFAULT_MIN_ORDER_AMOUNT = MARKET_DEFAULTS.minOrderAmount; // 0.01 kWh
export const DEFAULT_MAX_ORDERS_PER_USER = MARKET_DEFAULTS.maxOrdersPerUser;
export const DEFAULT_FEE_BPS = MARKET_DEFAULTS.feeBps;
