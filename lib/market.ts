// Market parameters: the documented defaults of a deployment (SPEC 9.1), the hard limits of `ITrading`, and the
// arithmetic of epochs and order ids. The Ignition module deploy/modules/Trading.ts takes its defaults from here.

/** Market defaults (SPEC 9.1); the deployment parameters of the same names override them. */
export const MARKET_DEFAULTS = {
  /** Seconds per epoch (15 minutes). */
  epochLength: 900n,
  /** 0: the deployment block time rounded down to the epoch length. */
  genesis: 0n,
  /** Price granularity, payment-token base units per kWh (0.0001 USDC). */
  tickSize: 100n,
  /** Price cap, payment-token base units per kWh (1.00 USDC). */
  maxPrice: 1_000_000n,
  /** Smallest order, GRID base units (0.01 kWh). */
  minOrderAmount: 10n ** 16n,
  /** Orders per account per epoch. */
  maxOrdersPerUser: 100n,
  /** Seller fee in basis points. */
  feeBps: 0n,
} as const;

/** Hard limits from `ITrading`. */
export const MAX_PRICE_LEVELS = 65_535n;
export const MAX_FEE_BPS = 1_000n;
export const MAX_ORDERS_PER_USER_LIMIT = 1_000n;

/** Order ids are `epoch << 32 | sequence`, the sequence counting from 1 within the epoch. */
export const orderId = (epoch: bigint, sequence: bigint | number): bigint => (epoch << 32n) | BigInt(sequence);

/** The epoch that contains `timestamp`. */
export function epochAt(timestamp: number, genesis: number, epochLength: number): number {
  return Math.floor((timestamp - genesis) / epochLength);
}

/** The first second of `epoch`. */
export function epochStartOf(epoch: number, genesis: number, epochLength: number): number {
  return genesis + epoch * epochLength;
}
