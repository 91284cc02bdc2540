// Market accounts in human units: deposit, withdraw (an amount, or all), balances (wallet and account, both tokens)
// and where bought GRID goes.
import { task } from "hardhat/config";

import { type Context, ensureAllowance, gridTask } from "./common";
import {
  type AccountToken,
  amountOf,
  type Balances,
  parseAccountToken,
  readBalances,
  tokenAddress,
} from "../lib/accounts";
import { ensure } from "../lib/errors";
import { say, sayTable } from "../lib/output";
import { send } from "../lib/tx";
import { formatKwh, formatMoney, parseKwh, parseMoney } from "../lib/units";
import { parseAddress, parseBoolean } from "../lib/validate";

function balanceRows(ctx: Context, b: Balances): string[][] {
  const money = (x: bigint) => formatMoney(x, ctx.d.payment.decimals, ctx.d.payment.symbol);
  return [
    ["GRID", formatKwh(b.wallet.grid), formatKwh(b.account.grid)],
    [ctx.d.payment.symbol, money(b.wallet.payment), money(b.account.payment)],
  ];
}

function printBalances(ctx: Context, account: string, b: Balances): void {
  say(`Balances of ${account} (account: free, not reserved by open orders)`);
  sayTable(["token", "wallet", "account"], balanceRows(ctx, b));
  say(`  bought GRID goes to: ${b.keepsBoughtGrid ? "the account" : "the wallet"}`);
}

/** Parses `--amount` in the token's human unit (kWh, whole Wh, for GRID). */
function parseAmount(ctx: Context, token: "GRID" | "payment", value: string): bigint {
  return token === "GRID"
    ? parseKwh("--amount", value)
    : parseMoney("--amount", value, ctx.d.payment.decimals, ctx.d.payment.symbol);
}

function formatAmount(ctx: Context, token: "GRID" | "payment", amount: bigint): string {
  return token === "GRID" ? formatKwh(amount) : formatMoney(amount, ctx.d.payment.decimals, ctx.d.payment.symbol);
}

/** Sends `deposit` or `withdraw` of `amount` of `token`, then prints what moved and the balances after it. */
async function move(ctx: Context, verb: "deposit" | "withdraw", token: AccountToken, amount: bigint, before: Balances) {
  const { d, signer } = ctx;
  const address = await tokenAddress(d, token);
  await send(
    verb,
    () => (verb === "deposit" ? d.trading.deposit(address, amount) : d.trading.withdraw(address, amount)),
    ctx.decoders,
  );
  const after = await readBalances(d, signer.address);
  say(`${verb === "deposit" ? "Deposited" : "Withdrew"} ${formatAmount(ctx, token, amount)}`);
  printBalances(ctx, signer.address, after);
  return { token, amount, before, after };
}

gridTask(
  task("gridmarket:deposit", "Moves GRID or the payment token from your wallet into your market account")
    .addParam("token", "grid or the payment token (e.g. usdc)")
    .addParam("amount", "kWh (whole Wh) for GRID, currency units for the payment token"),
  async (ctx, args: { token: string; amount: string }) => {
    const { d, signer } = ctx;
    const token = parseAccountToken("--token", args.token, d.payment.symbol);
    const amount = parseAmount(ctx, token, args.amount);
    const [before, paused] = await Promise.all([readBalances(d, signer.address), d.trading.paused()]);
    ensure(!paused, "Trading is paused: deposits are refused until it is unpaused (withdrawals still work)");
    const wallet = amountOf(before.wallet, token);
    ensure(
      wallet >= amount,
      `depositing ${formatAmount(ctx, token, amount)} needs that much in the wallet; ${signer.address} holds ${formatAmount(ctx, token, wallet)}`,
    );
    await ensureAllowance(
      ctx,
      token === "GRID" ? d.gridToken : d.paymentToken,
      token === "GRID" ? "GRID" : d.payment.symbol,
      amount,
    );
    return move(ctx, "deposit", token, amount, before);
  },
);

gridTask(
  task("gridmarket:withdraw", "Moves GRID or the payment token from your market account to your wallet")
    .addParam("token", "grid or the payment token (e.g. usdc)")
    .addOptionalParam("amount", "kWh (whole Wh) for GRID, currency units for the payment token")
    .addFlag("all", "Withdraw the whole free balance"),
  async (ctx, args: { token: string; amount?: string; all: boolean }) => {
    const { d, signer } = ctx;
    const token = parseAccountToken("--token", args.token, d.payment.symbol);
    ensure(args.all !== (args.amount !== undefined), "give either --amount or --all");
    const before = await readBalances(d, signer.address);
    const free = amountOf(before.account, token);
    const amount = args.all ? free : parseAmount(ctx, token, args.amount!);
    ensure(amount > 0n, `${signer.address} has no free ${token === "GRID" ? "GRID" : d.payment.symbol} in its account`);
    ensure(
      amount <= free,
      `withdrawing ${formatAmount(ctx, token, amount)} needs that much free in the account; ${signer.address} has ${formatAmount(ctx, token, free)}`,
    );
    return move(ctx, "withdraw", token, amount, before);
  },
);

gridTask(
  task(
    "gridmarket:balance",
    "Wallet and market-account balances of both tokens, in kWh and the payment currency",
  ).addOptionalParam("account", "Whose balances (default: the sender)"),
  async (ctx, args: { account?: string }) => {
    const account = args.account === undefined ? ctx.signer.address : parseAddress("--account", args.account);
    const balances = await readBalances(ctx.d, account);
    printBalances(ctx, account, balances);
    return balances;
  },
);

gridTask(
  task(
    "gridmarket:keep-bought-grid",
    "Chooses where the GRID you buy goes: your market account (true) or your wallet (false, the default)",
  ).addParam("keep", "true: keep bought GRID in the account; false: deliver it to the wallet"),
  (args: { keep: string }) => parseBoolean("--keep", args.keep),
  async (ctx, keep) => {
    const { d, signer } = ctx;
    const current = await d.trading.keepsBoughtGrid(signer.address);
    ensure(
      current !== keep,
      `${signer.address} already ${keep ? "keeps bought GRID in its account" : "receives bought GRID in its wallet"}`,
    );
    await send("setKeepsBoughtGrid", () => d.trading.setKeepsBoughtGrid(keep), ctx.decoders);
    const now = await d.trading.keepsBoughtGrid(signer.address);
    say(`GRID ${signer.address} buys now goes to ${now ? "its market account" : "its wallet"}`);
    return { keepsBoughtGrid: now };
  },
);
