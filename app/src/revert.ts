// A refused transaction in words: the custom error the contracts raised, decoded with the ABIs of the suite and
// said with the market's units.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex, UserRejectedRequestError } from "viem";

import { ORDER_STATUSES, SIDES, USER_TYPES } from "../../lib/enums";
import { formatKwh, formatMoney, formatPrice } from "../../lib/quantities";
import { errorsAbi } from "./generated/abis";

/** What the explanation needs to name tokens and amounts. */
export interface ExplainContext {
  gridToken: string;
  payment: { address: string; symbol: string; decimals: number };
}

/** A decoded custom error. */
export interface Revert {
  name: string;
  args: readonly unknown[];
}

type Explainer = (args: readonly unknown[], ctx: ExplainContext) => string;

const n = (v: unknown) => BigInt(v as bigint);

function tokenAmount(token: unknown, amount: unknown, ctx: ExplainContext): string {
  return String(token).toLowerCase() === ctx.gridToken.toLowerCase()
    ? formatKwh(n(amount))
    : formatMoney(n(amount), ctx.payment.decimals, ctx.payment.symbol);
}

const price = (v: unknown, ctx: ExplainContext) => formatPrice(n(v), ctx.payment.decimals, ctx.payment.symbol);
const time = (v: unknown) => new Date(Number(n(v)) * 1000).toISOString().replace(".000Z", " UTC").replace("T", " ");

/** The suite's custom errors a participant can meet, in words. */
export const EXPLANATIONS: Readonly<Record<string, Explainer>> = {
  TradingNotEligible: ([, side]) =>
    Number(side) === 1
      ? "This account may not sell: selling takes a registered, active prosumer or a market maker."
      : "This account may not buy: buying takes a registered, active user (or a market maker).",
  TradingInvalidAmount: ([amount]) => `${formatKwh(n(amount))} is not a whole number of watt-hours.`,
  TradingAmountBelowMinimum: ([amount, min]) =>
    `${formatKwh(n(amount))} is below the market's minimum order of ${formatKwh(n(min))}.`,
  TradingInvalidPrice: ([p, tick], ctx) =>
    `${price(p, ctx)} is not a positive multiple of the tick size ${price(tick, ctx)}.`,
  TradingPriceAboveCap: ([p, cap], ctx) => `${price(p, ctx)} is above the regulator's price cap of ${price(cap, ctx)}.`,
  TradingOrderLimitReached: ([, epoch, limit]) =>
    `You have reached the limit of ${n(limit)} orders in epoch ${n(epoch)}; place more in the next epoch.`,
  TradingUnknownOrder: ([id]) => `Order ${n(id)} does not exist.`,
  TradingNotOrderOwner: ([id]) => `Order ${n(id)} belongs to another account.`,
  TradingOrderNotOpen: ([id, status]) => `Order ${n(id)} is no longer open (${ORDER_STATUSES[Number(status)]}).`,
  TradingGateClosed: ([id, closedAt]) =>
    `Too late to cancel order ${n(id)}: its epoch's gate closed at ${time(closedAt)}; the order now waits for clearing.`,
  TradingInsufficientBalance: ([, token, available, requested], ctx) =>
    `Your market account holds ${tokenAmount(token, available, ctx)} free, less than the ${tokenAmount(token, requested, ctx)} asked for.`,
  TradingUnsupportedToken: ([token]) => `${String(token)} is neither GRID nor the market's payment token.`,
  TradingZeroAmount: () => "The amount must be positive.",
  TradingEmptyBatch: () => "The batch holds no order.",
  TradingOrderPruned: ([id]) => `Order ${n(id)} is no longer kept on-chain; its history is in the events.`,
  TradingLevelFull: ([side, p], ctx) =>
    `The ${Number(side) === 1 ? "asks" : "bids"} at ${price(p, ctx)} already hold the most one price level takes in an epoch (2^32 - 1 Wh); choose another price.`,
  EnforcedPause: () =>
    "The market is paused by its admin: no new orders, deposits or clearing until it resumes. Cancelling open orders and withdrawing free balances still work.",
  ERC20InsufficientBalance: ([, balance, needed]) =>
    `Your wallet holds ${String(n(balance))} base units of the token, less than the ${String(n(needed))} needed.`,
  ERC20InsufficientAllowance: ([, allowance, needed]) =>
    `The market may take ${String(n(allowance))} base units of the token from your wallet, less than the ${String(n(needed))} needed: approve first.`,
  NotRecRegulator: ([caller]) => `${String(caller)} is not a REC regulator.`,
};

/** The custom error inside a viem error, decoded with the suite's error ABI when viem could not. */
export function findRevert(error: unknown): Revert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
    return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
  }
  const raw = findData(error);
  if (raw === undefined) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: errorsAbi, data: raw });
    return { name: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return undefined;
  }
}

function findData(error: unknown, depth = 0): Hex | undefined {
  if (error === null || typeof error !== "object" || depth > 8) return undefined;
  const record = error as Record<string, unknown>;
  for (const key of ["raw", "data"]) {
    const v = record[key];
    if (typeof v === "string" && /^0x[0-9a-fA-F]{8,}$/.test(v)) return v as Hex;
  }
  for (const key of ["cause", "data", "error"]) {
    const found = findData(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A sentence for a failed transaction: the contract's reason in words when known. */
export function explainError(error: unknown, ctx: ExplainContext): string {
  if (error instanceof BaseError && error.walk((e) => e instanceof UserRejectedRequestError)) {
    return "You rejected the request in your wallet.";
  }
  const revert = findRevert(error);
  if (revert !== undefined) {
    const explain = EXPLANATIONS[revert.name];
    const words = explain ? explain(revert.args, ctx) : "The contract refused the transaction.";
    return `${words} (${revert.name})`;
  }
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

/** "Prosumer", "Consumer" or "not registered". */
export function userTypeName(userType: number): string {
  return userType === 0 ? "not registered" : USER_TYPES[userType];
}

export { SIDES };
