// Roles: regulators, oracle operators, minters, burners, market makers; and the admin's pause switch.
import type { ContractTransactionResponse } from "ethers";
import { task } from "hardhat/config";

import { type Context, gridTask } from "./common";
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

/** A contract's `is<Role>`, `add<Role>` and `remove<Role>` functions. */
type RoleFunctions<Name extends string> = Record<`is${Name}`, (account: string) => Promise<boolean>> &
  Record<`add${Name}` | `remove${Name}`, (account: string) => Promise<ContractTransactionResponse>>;

/** The role `Name` of the contract `of` picks from a deployment; regulators change it unless `by` says who does. */
function roleSpec<Name extends string>(
  slug: string,
  label: string,
  where: string,
  of: (d: Deployment) => RoleFunctions<Name>,
  name: Name,
  by: Pick<RoleSpec, "mayChange" | "who"> = { mayChange: isRegulator, who: "a REC regulator" },
): RoleSpec {
  // `of` is checked against `Name` above; inside, the three names are just strings of those shapes.
  const fns = (d: Deployment) => of(d) as RoleFunctions<string>;
  return {
    slug,
    label,
    where,
    has: (d, a) => fns(d)[`is${name}`](a),
    add: (d, a) => fns(d)[`add${name}`](a),
    remove: (d, a) => fns(d)[`remove${name}`](a),
    ...by,
  };
}

/** Every role the CLI manages. */
export const ROLES: RoleSpec[] = [
  roleSpec("regulator", "REC regulator", "Registry", (d) => d.registry, "RecRegulator", {
    mayChange: async (ctx) => (await isRegulator(ctx)) || (await isAdmin(ctx, "registry")),
    who: "the Registry admin or a REC regulator",
  }),
  roleSpec("oracle-operator", "oracle operator", "OracleClient", (d) => d.oracleClient, "OracleOperator"),
  roleSpec("minter", "GRID minter", "GridToken", (d) => d.gridToken, "Minter"),
  roleSpec("burner", "GRID burner", "GridToken", (d) => d.gridToken, "Burner"),
  roleSpec("market-maker", "market maker", "Trading", (d) => d.trading, "MarketMaker"),
];

for (const role of ROLES) {
  for (const grant of [true, false]) {
    const verb = grant ? "add" : "remove";
    gridTask(
      task(
        `gridmarket:${verb}-${role.slug}`,
        `${grant ? "Grants" : "Revokes"} the ${role.label} role in ${role.where} (${role.who})`,
      ).addParam("account", "The address"),
      (args: { account: string }) => parseAddress("--account", args.account),
      async (ctx, account) => {
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
      },
    );
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
  gridTask(
    task(
      `gridmarket:${pause ? "pause" : "unpause"}`,
      pause
        ? "Emergency stop (admin): registrations, minting/transfers, new orders and clearing, readings"
        : "Lifts the emergency stop (admin)",
    ).addParam("contract", `One of ${PAUSABLE.join(", ")}, or all`),
    (args: { contract: string }) => parseChoice("--contract", args.contract, [...PAUSABLE, "all"] as const),
    (ctx, choice) => setPaused(ctx, choice === "all" ? [...PAUSABLE] : [choice], pause),
  );
}
