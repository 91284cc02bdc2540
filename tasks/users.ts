// Users: register, suspend, reactivate, show.
import { task } from "hardhat/config";
import { toUtf8Bytes } from "ethers";

import { type Context, gridTask } from "./common";
import type { Deployment } from "../lib/deployment";
import { CliError, ensure } from "../lib/errors";
import { describeMeterId } from "../lib/meters";
import { say, sayFields } from "../lib/output";
import { send } from "../lib/tx";
import { formatKwh, formatMoney } from "../lib/units";
import { parseAddress, parseChoice } from "../lib/validate";
import { USER_STATUSES, USER_TYPES } from "../lib/enums";

/** Longest location label the Registry accepts, in bytes. */
export const MAX_LOCATION_BYTES = 128;

/** A user's record, balances and roles, as `gridmarket:user` prints them. */
export interface UserView {
  account: string;
  type: (typeof USER_TYPES)[number];
  status: (typeof USER_STATUSES)[number];
  location: string;
  meters: string[];
  grid: bigint;
  payment: bigint;
  roles: string[];
}

/** Reads everything the suite knows about `account`. */
export async function readUser(d: Deployment, account: string): Promise<UserView> {
  const [user, meters, grid, payment, regulator, marketMaker, operator, minter, burner] = await Promise.all([
    d.registry.getUser(account),
    d.registry.getUserMeters(account),
    d.gridToken.balanceOf(account),
    d.paymentToken.balanceOf(account),
    d.registry.isRecRegulator(account),
    d.trading.isMarketMaker(account),
    d.oracleClient.isOracleOperator(account),
    d.gridToken.isMinter(account),
    d.gridToken.isBurner(account),
  ]);
  const roles = [
    regulator && "regulator",
    marketMaker && "market maker",
    operator && "oracle operator",
    minter && "minter",
    burner && "burner",
  ].filter((role): role is string => typeof role === "string");
  return {
    account,
    type: USER_TYPES[Number(user.userType)],
    status: USER_STATUSES[Number(user.status)],
    location: user.location,
    meters: [...meters],
    grid,
    payment,
    roles,
  };
}

/** Prints {@link readUser}'s view. */
export function printUser(d: Deployment, view: UserView): void {
  sayFields([
    ["account", view.account],
    ["registered", view.type === "None" ? "no" : `${view.type}, ${view.status}`],
    ["location", view.location === "" ? "-" : view.location],
    ["meters", view.meters.length === 0 ? "-" : view.meters.map(describeMeterId).join(", ")],
    ["GRID", formatKwh(view.grid)],
    [d.payment.symbol, formatMoney(view.payment, d.payment.decimals, d.payment.symbol)],
    ["roles", view.roles.length === 0 ? "-" : view.roles.join(", ")],
  ]);
}

/** Fails unless the sender is a REC regulator, naming the task that fixes it. */
export async function requireRegulator(ctx: Context): Promise<void> {
  ensure(
    await ctx.d.registry.isRecRegulator(ctx.signer.address),
    `${ctx.signer.address} is not a REC regulator; a regulator or the admin can run ` +
      `gridmarket:add-regulator --account ${ctx.signer.address}`,
  );
}

/** `--account`, the user a task is about. */
const accountOf = (args: { account: string }) => parseAddress("--account", args.account);

/** `gridmarket:register-user`'s options, checked before anything connects. */
function parseRegistration(args: { account: string; type: string; location: string }) {
  const account = accountOf(args);
  const type = parseChoice("--type", args.type, ["Prosumer", "Consumer"] as const);
  const length = toUtf8Bytes(args.location).length;
  ensure(length <= MAX_LOCATION_BYTES, `--location is ${length} bytes; at most ${MAX_LOCATION_BYTES}`);
  return { account, type, location: args.location };
}

gridTask(
  task("gridmarket:register-user", "Registers an account as an active prosumer or consumer (REC regulator)")
    .addParam("account", "The user's address")
    .addParam("type", "prosumer or consumer")
    .addOptionalParam("location", "Building or flat label, at most 128 bytes", ""),
  parseRegistration,
  async (ctx, { account, type, location }) => {
    await requireRegulator(ctx);
    const before = await readUser(ctx.d, account);
    if (before.type !== "None") {
      throw new CliError(`${account} is already registered (${before.type}, ${before.status})`);
    }

    await send(
      "registerUser",
      () => ctx.d.registry.registerUser(account, USER_TYPES.indexOf(type), location),
      ctx.decoders,
    );
    const after = await readUser(ctx.d, account);
    say(`Registered ${account}:`);
    printUser(ctx.d, after);
    return after;
  },
);

async function setStatus(ctx: Context, account: string, to: "Active" | "Suspended") {
  await requireRegulator(ctx);
  const before = await readUser(ctx.d, account);
  ensure(before.type !== "None", `${account} is not registered; use gridmarket:register-user first`);
  ensure(before.status !== to, `${account} is already ${to.toLowerCase()}`);

  await send(
    "updateUserStatus",
    () => ctx.d.registry.updateUserStatus(account, USER_STATUSES.indexOf(to)),
    ctx.decoders,
  );
  const after = await readUser(ctx.d, account);
  say(`${account}: ${before.status} → ${after.status}`);
  printUser(ctx.d, after);
  return after;
}

for (const [name, description, to] of [
  ["suspend-user", "Suspends a user: no trading, no minting; open orders stay cancellable (regulator)", "Suspended"],
  ["reactivate-user", "Reactivates a suspended user (REC regulator)", "Active"],
] as const) {
  gridTask(
    task(`gridmarket:${name}`, description).addParam("account", "The user's address"),
    accountOf,
    (ctx, account) => setStatus(ctx, account, to),
  );
}

gridTask(
  task("gridmarket:user", "Shows a user: registration, meters, GRID and payment balances, roles").addParam(
    "account",
    "The address",
  ),
  accountOf,
  async (ctx, account) => {
    const view = await readUser(ctx.d, account);
    printUser(ctx.d, view);
    return view;
  },
);
