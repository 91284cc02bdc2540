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

/** A meter id as its serial when it was stored readably (a zero-padded printable string), else the short hex id. */
export function meterLabel(meterId: `0x${string}`): string {
  const bytes = meterId
    .slice(2)
    .match(/../g)!
    .map((h) => parseInt(h, 16));
  const end = bytes.indexOf(0);
  const text = String.fromCharCode(...bytes.slice(0, end === -1 ? bytes.length : end));
  const padded = end > 0 && bytes.slice(end).every((b) => b === 0);
  return padded && /^[\x20-\x7e]+$/.test(text) ? text : `${meterId.slice(0, 10)}…`;
}
