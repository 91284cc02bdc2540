// Meters: assign, unassign, set the signing key, show. Meters are named by serial (see lib/meters.ts).
import { type ContractTransactionResponse, ZeroAddress } from "ethers";
import { task } from "hardhat/config";
import type { ConfigurableTaskDefinition } from "hardhat/types";

import { type Context, gridTask } from "./common";
import type { Deployment } from "../lib/deployment";
import { CliError, ensure } from "../lib/errors";
import { describeMeterId, meterIdFromSerial } from "../lib/meters";
import { say, sayFields } from "../lib/output";
import { send } from "../lib/tx";
import { parseAddress } from "../lib/validate";
import { requireRegulator } from "./users";

/** A meter as `gridmarket:meter` prints it. */
export interface MeterView {
  meterId: string;
  owner: string;
  signer: string;
  lastReadAt: bigint;
  lastExportWh: bigint;
  lastImportWh: bigint;
  hasBaseline: boolean;
  ratedPowerW: bigint;
}

/** Reads the Registry's and the OracleClient's view of `meterId`. */
export async function readMeter(d: Deployment, meterId: string): Promise<MeterView> {
  const [owner, signer, state, ratedPowerW] = await Promise.all([
    d.registry.getMeterOwner(meterId),
    d.registry.getMeterSigner(meterId),
    d.oracleClient.getMeterState(meterId),
    d.oracleClient.ratedPowerOf(meterId),
  ]);
  return {
    meterId,
    owner,
    signer,
    lastReadAt: state.lastReadAt,
    lastExportWh: state.lastExportWh,
    lastImportWh: state.lastImportWh,
    hasBaseline: state.hasBaseline,
    ratedPowerW,
  };
}

/** Prints {@link readMeter}'s view. */
export function printMeter(view: MeterView): void {
  const none = (a: string) => (a === ZeroAddress ? "-" : a);
  sayFields([
    ["meter", describeMeterId(view.meterId)],
    ["owner", none(view.owner)],
    ["signer", none(view.signer)],
    [
      "last reading",
      view.hasBaseline
        ? `${new Date(Number(view.lastReadAt) * 1000).toISOString()}: export ${view.lastExportWh} Wh, import ${view.lastImportWh} Wh`
        : "none (the next reading sets the baseline)",
    ],
    ["rated power", `${view.ratedPowerW} W`],
  ]);
}

/** Adds the `--meter` option the meter tasks take. */
export const withMeter = (definition: ConfigurableTaskDefinition) =>
  definition.addParam("meter", "Meter serial (≤ 31 bytes stored readably, longer ones hashed) or a 0x bytes32 id");

/** `--meter` as a meter id. */
export const meterOf = (args: { meter: string }) => meterIdFromSerial(args.meter);

/** Sends a regulator's change to `meterId`, then prints the meter as it is after it under `heading`. */
async function changeMeter(
  ctx: Context,
  meterId: string,
  label: string,
  call: () => Promise<ContractTransactionResponse>,
  heading: string,
): Promise<MeterView> {
  await send(label, call, ctx.decoders);
  const view = await readMeter(ctx.d, meterId);
  say(heading);
  printMeter(view);
  return view;
}

gridTask(
  withMeter(task("gridmarket:assign-meter", "Assigns a meter (by serial) to a registered user (REC regulator)"))
    .addParam("owner", "The registered user receiving the meter")
    .addFlag("resetBaseline", "Also reset the oracle baseline, so the new owner is not credited with older energy"),
  (args: { meter: string; owner: string; resetBaseline: boolean }) => ({
    meterId: meterOf(args),
    owner: parseAddress("--owner", args.owner),
    resetBaseline: args.resetBaseline,
  }),
  async (ctx, { meterId, owner, resetBaseline }) => {
    await requireRegulator(ctx);
    const [user, current, limit] = await Promise.all([
      ctx.d.registry.getUser(owner),
      ctx.d.registry.getMeterOwner(meterId),
      ctx.d.registry.maxMetersPerUser(),
    ]);
    ensure(Number(user.userType) !== 0, `${owner} is not registered; use gridmarket:register-user first`);
    if (current !== ZeroAddress) {
      throw new CliError(
        `meter ${describeMeterId(meterId)} already belongs to ${current}; run gridmarket:unassign-meter first`,
      );
    }
    ensure(user.meterCount < limit, `${owner} already has ${user.meterCount} meters, the limit is ${limit}`);

    await send("assignMeter", () => ctx.d.registry.assignMeter(meterId, owner), ctx.decoders);
    let view = await readMeter(ctx.d, meterId);
    if (view.hasBaseline) {
      if (resetBaseline) {
        await send("resetMeterBaseline", () => ctx.d.oracleClient.resetMeterBaseline(meterId), ctx.decoders);
        view = await readMeter(ctx.d, meterId);
      } else {
        say(
          "  note: the oracle still holds this meter's previous baseline; pass --reset-baseline (or call " +
            "OracleClient.resetMeterBaseline) unless the new owner should be credited from that reading on.",
        );
      }
    }
    say(`Assigned:`);
    printMeter(view);
    return view;
  },
);

gridTask(
  withMeter(task("gridmarket:unassign-meter", "Takes a meter away from its owner (REC regulator)")),
  meterOf,
  async (ctx, meterId) => {
    await requireRegulator(ctx);
    const owner = await ctx.d.registry.getMeterOwner(meterId);
    ensure(owner !== ZeroAddress, `meter ${describeMeterId(meterId)} is not assigned to anyone`);
    return changeMeter(
      ctx,
      meterId,
      "unassignMeter",
      () => ctx.d.registry.unassignMeter(meterId),
      `Unassigned from ${owner}:`,
    );
  },
);

gridTask(
  withMeter(task("gridmarket:set-meter-signer", "Sets the key that signs a meter's readings (REC regulator)")).addParam(
    "signer",
    "The signing key's address (EOA or ERC-1271 contract), or `none` to clear it",
  ),
  (args: { meter: string; signer: string }) => ({
    meterId: meterOf(args),
    signer: args.signer.toLowerCase() === "none" ? ZeroAddress : parseAddress("--signer", args.signer),
  }),
  async (ctx, { meterId, signer }) => {
    await requireRegulator(ctx);
    const current = await ctx.d.registry.getMeterSigner(meterId);
    ensure(current !== signer, `meter ${describeMeterId(meterId)} already has signer ${signer}`);
    return changeMeter(
      ctx,
      meterId,
      "setMeterSigner",
      () => ctx.d.registry.setMeterSigner(meterId, signer),
      `Signer changed from ${current}:`,
    );
  },
);

gridTask(
  withMeter(task("gridmarket:meter", "Shows a meter: owner, signer, last accepted reading, rated power")),
  meterOf,
  async (ctx, meterId) => {
    const view = await readMeter(ctx.d, meterId);
    printMeter(view);
    return view;
  },
);
