// Display helpers on top of lib/quantities.ts (the one place units are formatted).
import { formatKwh, formatMoney, formatPrice } from "../../lib/quantities";
import type { MarketInfo } from "./reads";

export { formatKwh };

export const money = (info: MarketInfo, amount: bigint) =>
  formatMoney(amount, info.payment.decimals, info.payment.symbol);
export const price = (info: MarketInfo, value: bigint) =>
  formatPrice(value, info.payment.decimals, info.payment.symbol);

/** "12:34" (minutes:seconds) of a non-negative number of seconds; hours when needed. */
export function countdown(seconds: bigint): string {
  const s = Number(seconds < 0n ? 0n : seconds);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** An order id as `epoch#sequence` (ids are `epoch << 32 | sequence`). */
export const orderLabel = (id: bigint) => `${id >> 32n}#${id & 0xffffffffn}`;

/** Unix seconds → "HH:MM" UTC. */
export const clock = (t: bigint) => new Date(Number(t) * 1000).toISOString().slice(11, 16);
