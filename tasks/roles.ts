// Roles: regulators, oracle operators, minters, burners, market makers; and the admin's pause switch.
import type { ContractTransactionResponse } from "ethers";
import { task } from "hardhat/config";

import { type CommonArgs, type Context, setup, withCommonParams } from "./common";
import type { Deployment } from "../lib/deployment";
import { ensure } from "../lib/errors";
import { say, sayFields } from "../lib/output";
import { send } from "../lib/tx";
import { parseAddress, parseChoice } from "../lib/validate";

/** A role managed by regulators (regulators themselves also by the Registry's admin). */
interface RoleSpec {
  /** Task suffix: gridmarket:add-<slug> / gridmarket:remove-<slug>. */
  slug: string;
  label: string;
  where: string;
  has(d: Deployment, account: string): Promise<boolean>;
  add(d: Deployment, account: string): Promise<ContractTransactionResponse>;
  remove(d: Deployment, account: string): Promise<ContractTransactionResponse>;
  /** Who may change it. */
  mayChange(ctx: Context): Promise<boolean>;
  who: string;
}

const isRegulator = (ctx: Context) => ctx.d.registry.isRecRegulator(ctx.signer.address);

/** Every role the CLI manages. */
export const ROLES: RoleSpec[] = [
  {
    slug: "regulator",
    label: "REC regulator",
    where: "Registry",
    has: (d, a) => d.registry.isRecRegulator(a),
    add: (d, a) => d.registry.addRecRegulator(a),
    remove: (d, a) => d.registry.removeRecRegulator(a),
    mayChange: async (ctx) => (await isRegulator(ctx)) || (await isAdmin(ctx, "registry")),
    who: "the Registry admin or a REC regulator",
  },
  {
    slug: "oracle-operator",
    label: "oracle operator",
    where: "OracleClient",
    has: (d, a) => d.oracleClient.isOracleOperator(a),
    add: (d, a) => d.oracleClient.addOracleOperator(a),
    remove: (d, a) => d.oracleClient.removeOracleOperator(a),
    mayChange: isRegulator,
    who: "a REC regulator",
  },
  {
    slug: "minter",
    label: "GRID minter",
    where: "GridToken",
    has: (d, a) => d.gridToken.isMinter(a),
    add: (d, a) => d.gridToken.addMinter(a),
    remove: (d, a) => d.gridToken.removeMinter(a),
    mayChange: isRegulator,
    who: "a REC regulator",
  },
  {
    slug: "burner",
    label: "GRID burner",
    where: "GridToken",
    has: (d, a) => d.gridToken.isBurner(a),
    add: (d, a) => d.gridToken.addBurner(a),
    remove: (d, a) => d.gridToken.removeBurner(a),
    mayChange: isRegulator,
    who: "a REC regulator",
  },
  {
    slug: "market-maker",
    label: "market maker",
    where: "Trading",
    has: (d, a) => d.trading.isMarketMaker(a),
    add: (d, a) => d.trading.addMarketMaker(a),
    remove: (d, a) => d.trading.removeMarketMaker(a),
    mayChange: isRegulator,
    who: "a REC regulator",
  },
];

for (const role of ROLES) {
  for (const grant of [true, false]) {
    const verb = grant ? "add" : "remove";
    withCommonParams(
      task(
        `gridmarket:${verb}-${role.slug}`,
        `${grant ? "Grants" : "Revokes"} the ${role.label} role in ${role.where} (${role.who})`,
      ).addParam("account", "The address"),
    ).setAction(async (args: CommonArgs & { account: string }, hre) => {
      const account = parseAddress("--account", args.account);
      const ctx = await setup(hre, args);
      ensure(await role.mayChange(ctx), `${ctx.signer.address} may not change ${role.label}s: only ${role.who} may`);
      const before = await role.has(ctx.d, account);
      ensure(before !== grant, `${account} ${grant ? "already is" : "is not"} a ${role.label}`);

      await send(
        `${verb} ${role.label}`,
        () => (grant ? role.add(ctx.d, account) : role.remove(ctx.d, account)),
        ctx.decoders,
      );
      const after = await role.has(ctx.d, account);
      say(`${account} is ${after ? "now" : "no longer"} a ${role.label} (${role.where})`);
      return after;
    });
  }
}

// ─────────────────────────────────────────── PAUSE ───────────────────────────────────────────

/** The pausable contracts, by their deployment key. */
export const PAUSABLE = ["registry", "gridToken", "trading", "oracleClient"] as const;
type Pausable = (typeof PAUSABLE)[number];

async function isAdmin(ctx: Context, which: Pausable): Promise<boolean> {
  return (await ctx.d[which].defaultAdmin()).toLowerCase() === ctx.signer.address.toLowerCase();
}

async function setPaused(ctx: Context, targets: Pausable[], pause: boolean): Promise<Record<string, boolean>> {
  for (const which of targets) {
    ensure(await isAdmin(ctx, which), `${ctx.signer.address} is not the admin of ${which}; only the admin can pause`);
  }
  for (const which of targets) {
    const contract = ctx.d[which];
    if ((await contract.paused()) === pause) {
      say(`  ${which} is already ${pause ? "paused" : "running"}`);
      continue;
    }
    await send(
      `${pause ? "pause" : "unpause"} ${which}`,
      () => (pause ? contract.pause() : contract.unpause()),
      ctx.decoders,
    );
  }
  const state: Record<string, boolean> = {};
  for (const which of PAUSABLE) state[which] = await ctx.d[which].paused();
  sayFields(PAUSABLE.map((which) => [which, state[which] ? "paused" : "running"]));
  return state;
}

for (const pause of [true, false]) {
  withCommonParams(
    task(
      `gridmarket:${pause ? "pause" : "unpause"}`,
      pause
        ? "Emergency stop (admin): registrations, minting/transfers, new orders and clearing, readings"
        : "Lifts the emergency stop (admin)",
    ).addParam("contract", `One of ${PAUSABLE.join(", ")}, or all`),
  ).setAction(async (args: CommonArgs & { contract: string }, hre) => {
    const choice = parseChoice("--contract", args.contract, [...PAUSABLE, "all"] as const);
    const ctx = await setup(hre, args);
    return setPaused(ctx, choice === "all" ? [...PAUSABLE] : [choice], pause);
  });
}
