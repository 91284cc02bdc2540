// Market accounts: the GRID and payment token a user keeps in Trading between epochs (SPEC 11). What a wallet and
// an account hold, which token an operator means, and what a deposit or withdrawal must respect.
import type { Deployment } from "./deployment";
import { CliError } from "./errors";
import { WH } from "./units";

/** The two tokens an account holds. */
export type AccountToken = "GRID" | "payment";

/** Both tokens, in base units. */
export interface TokenAmounts {
  grid: bigint;
  payment: bigint;
}

/** What an address holds in its wallet and in its market account, and where the GRID it buys goes. */
export interface Balances {
  wallet: TokenAmounts;
  account: TokenAmounts;
  keepsBoughtGrid: boolean;
}

/** Reads the wallet and account balances of `account`, both tokens. */
export async function readBalances(d: Deployment, account: string): Promise<Balances> {
  const grid = await d.gridToken.getAddress();
  const [walletGrid, walletPayment, accountGrid, accountPayment, keeps] = await Promise.all([
    d.gridToken.balanceOf(account),
    d.paymentToken.balanceOf(account),
    d.trading.accountBalance(account, grid),
    d.trading.accountBalance(account, d.payment.address),
    d.trading.keepsBoughtGrid(account),
  ]);
  return {
    wallet: { grid: walletGrid, payment: walletPayment },
    account: { grid: accountGrid, payment: accountPayment },
    keepsBoughtGrid: keeps,
  };
}

/**
 * Parses a token option: "grid" (also "kwh") or the payment token ("payment", or its symbol, e.g. "usdc"),
 * case-insensitive.
 */
export function parseAccountToken(option: string, value: string, paymentSymbol: string): AccountToken {
  const text = value.trim().toLowerCase();
  if (text === "grid" || text === "kwh") return "GRID";
  if (text === "payment" || text === paymentSymbol.toLowerCase()) return "payment";
  throw new CliError(`${option}: "${value}" is not grid or ${paymentSymbol.toLowerCase()}`);
}

/** The on-chain address of `token` in deployment `d`. */
export async function tokenAddress(d: Deployment, token: AccountToken): Promise<string> {
  return token === "GRID" ? d.gridToken.getAddress() : d.payment.address;
}

/** The amount of `token` in `amounts`. */
export function amountOf(amounts: TokenAmounts, token: AccountToken): bigint {
  return token === "GRID" ? amounts.grid : amounts.payment;
}

/** GRID moves in and out of accounts in whole watt-hours (Trading reverts `TradingInvalidAmount` otherwise). */
export function isWholeWh(amount: bigint): boolean {
  return amount % WH === 0n;
}

/** The largest whole-Wh part of a GRID amount (what "withdraw all" may take of a wallet-derived figure). */
export function floorToWh(amount: bigint): bigint {
  return amount - (amount % WH);
}
