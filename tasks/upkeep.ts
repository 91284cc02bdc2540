// Chainlink Automation: register the OracleClient as a custom-logic upkeep, wire the forwarder, switch clearing.
//
// Warning: Chainlink retired classic Automation in 2026. A registration may be accepted and funded and still never
// be performed. The guaranteed paths are the project's keeper (gridmarket:keeper) and a CRE workflow writing
// clearing reports to OracleClient.onReport (docs/OPERATIONS.md).
import { getAddress, isHexString, parseUnits, ZeroAddress, ZeroHash } from "ethers";
import { task } from "hardhat/config";

import {
  AUTOMATION_RETIRED_WARNING,
  chainlinkConfig,
  checkFunding,
  connectLink,
  connectRegistrar,
  connectRegistry,
  defaultFunding,
  formatLink,
  FUNDING_SAFETY_FACTOR,
  readUpkeepStatus,
  type RegistrarVersion,
  type UpkeepStatus,
} from "../lib/automation";
import { CliError, ensure } from "../lib/errors";
import { say, sayFields } from "../lib/output";
import { eventsOf, send } from "../lib/tx";
import { parseInteger } from "../lib/units";
import { parseAddress, parseBoolean } from "../lib/validate";
import { type Context, gridTask } from "./common";

export { AUTOMATION_RETIRED_WARNING, registrarVersion } from "../lib/automation";

async function requireAdmin(ctx: Context, action = "set the forwarder"): Promise<void> {
  const admin = await ctx.d.oracleClient.defaultAdmin();
  const hint =
    action === "set the forwarder"
      ? " Send from the admin, or pass --skip-forwarder and have the admin run gridmarket:set-forwarder later."
      : "";
  ensure(
    admin.toLowerCase() === ctx.signer.address.toLowerCase(),
    `${ctx.signer.address} is not the OracleClient admin (${admin}), so it cannot ${action}.${hint}`,
  );
}

/** Sets the Automation forwarder of the OracleClient unless it already is `forwarder`. */
async function wireForwarder(ctx: Context, forwarder: string): Promise<void> {
  const current = await ctx.d.oracleClient.forwarder();
  if (current.toLowerCase() === forwarder.toLowerCase()) {
    say(`  the OracleClient forwarder already is ${forwarder}`);
    return;
  }
  await send("setForwarder", () => ctx.d.oracleClient.setForwarder(forwarder), ctx.decoders);
  const after = await ctx.d.oracleClient.forwarder();
  ensure(after.toLowerCase() === forwarder.toLowerCase(), `setForwarder did not take: forwarder() is ${after}`);
  say(`  OracleClient forwarder: ${current} → ${after}`);
}

interface RegisterArgs {
  registrar?: string;
  amount?: string;
  gasLimit: string;
  name: string;
  admin?: string;
  checkData: string;
  skipForwarder: boolean;
}

/** `gridmarket:register-upkeep`'s options, checked before anything connects (after the retirement warning). */
function parseRegistration(args: RegisterArgs) {
  say(AUTOMATION_RETIRED_WARNING);
  const amount = args.amount === undefined ? undefined : parseUnits(parseAmount(args.amount), 18);
  const gasLimit = Number(parseInteger("--gas-limit", args.gasLimit, 10_000n, 5_000_000n));
  ensure(isHexString(args.checkData), `--check-data: "${args.checkData}" is not 0x-prefixed hex`);
  ensure(args.name.trim() !== "", "--name must not be empty");
  return { args, amount, gasLimit };
}

/** What gridmarket:register-upkeep returns. */
export interface RegistrationResult {
  version: RegistrarVersion;
  registrar: string;
  registry: string;
  link: string;
  /** LINK funding the upkeep, and the registry's minimum balance for its gas limit when it registered. */
  amount: bigint;
  minimumBalance: bigint;
  /** 0 when the registrar left the request pending for manual approval. */
  upkeepId: bigint;
  forwarder?: string;
  requestHash: string;
}

gridTask(
  task(
    "gridmarket:register-upkeep",
    "Registers OracleClient as a custom-logic Chainlink Automation upkeep (2.1 or 2.3)",
  )
    .addOptionalParam("registrar", "Automation registrar (default: config/chainlink.json for this chain)")
    .addOptionalParam(
      "amount",
      `LINK funding the upkeep (default: ${FUNDING_SAFETY_FACTOR} × the registry's minimum balance for the gas limit)`,
    )
    .addOptionalParam("gasLimit", "performUpkeep gas limit (registries cap it at 5,000,000)", "5000000")
    .addOptionalParam("name", "Upkeep display name", "GridMarket market clearing")
    .addOptionalParam("admin", "Upkeep admin: may fund, pause, cancel, withdraw (default: the sender)")
    .addOptionalParam("checkData", "checkData passed to checkUpkeep (hex)", "0x")
    .addFlag("skipForwarder", "Do not call OracleClient.setForwarder (when the sender is not the OracleClient admin)"),
  parseRegistration,
  async (ctx, { args, amount: requested, gasLimit }, hre): Promise<RegistrationResult> => {
    const { d, signer } = ctx;
    const config = chainlinkConfig(hre.config.paths.root, d.chainId);
    const registrarAddress =
      args.registrar !== undefined ? parseAddress("--registrar", args.registrar) : (config?.registrar ?? undefined);
    if (registrarAddress === undefined) {
      throw new CliError(
        `no Automation registrar known for chain ${d.chainId}: pass --registrar (config/chainlink.json lists the testnets)`,
      );
    }
    ensure(
      (await hre.ethers.provider.getCode(registrarAddress)) !== "0x",
      `no contract at the registrar address ${registrarAddress} on chain ${d.chainId}`,
    );
    const admin = args.admin === undefined ? signer.address : parseAddress("--admin", args.admin);
    if (!args.skipForwarder) await requireAdmin(ctx);

    // The registrar tells its version, its registry and its LINK.
    const registrar = await connectRegistrar(registrarAddress, signer);
    const { version, registry: registryAddress, link: linkAddress, minimum } = registrar;
    for (const [what, known, actual] of [
      ["registry", config?.registry, registryAddress],
      ["LINK", config?.link, linkAddress],
    ] as const) {
      if (known && getAddress(known) !== getAddress(actual)) {
        throw new CliError(
          `the registrar's ${what} is ${actual} but config/chainlink.json says ${known} (${config?.source}); check both`,
        );
      }
    }
    // Before spending LINK: what the registry needs for this gas limit; the default funding is sized from it.
    const minimumBalance = await registrar.minimumBalance(gasLimit);
    const amount = requested ?? defaultFunding(minimumBalance, minimum);
    sayFields([
      ["registrar", `${registrarAddress} (${registrar.typeAndVersion})`],
      ["registry", registryAddress],
      ["LINK", linkAddress],
      ["upkeep", `${args.name}: OracleClient ${await d.oracleClient.getAddress()}, gas ${gasLimit}, admin ${admin}`],
      ["minimum balance", `${formatLink(minimumBalance)} (registrar minimum ${formatLink(minimum)})`],
      ["funding", `${formatLink(amount)}${requested === undefined ? ` (${FUNDING_SAFETY_FACTOR} × the minimum)` : ""}`],
    ]);
    checkFunding(amount, registrar, minimumBalance, gasLimit);

    const link = connectLink(linkAddress, signer);
    const balance = await link.balanceOf(signer.address);
    ensure(
      balance >= amount,
      `${signer.address} holds ${formatLink(balance)}; the registration needs ${formatLink(amount)}`,
    );
    const decoders = [...ctx.decoders, ...registrar.decoders];
    if ((await link.allowance(signer.address, registrarAddress)) < amount) {
      await send("approve LINK", () => link.approve(registrarAddress, amount), decoders);
    }

    const upkeepContract = await d.oracleClient.getAddress();
    const receipt = await registrar.register(
      { name: args.name, upkeepContract, gasLimit, admin, checkData: args.checkData, amount },
      decoders,
    );
    const { requestHash, upkeepId } = registrar.outcome(receipt);
    const result: RegistrationResult = {
      version,
      registrar: registrarAddress,
      registry: registryAddress,
      link: linkAddress,
      amount,
      minimumBalance,
      upkeepId: 0n,
      requestHash,
    };
    if (upkeepId === undefined) {
      say(`Registration request ${requestHash} is pending manual approval by the registrar's owner.`);
      say(
        "Once approved, read the upkeep id from the registrar's RegistrationApproved event and run " +
          "gridmarket:set-forwarder --upkeep-id <id> --registry " +
          registryAddress,
      );
      say(AUTOMATION_RETIRED_WARNING);
      return result;
    }
    result.upkeepId = upkeepId;

    const registry = connectRegistry(registryAddress, signer);
    const [registered] = eventsOf(receipt, registry, "UpkeepRegistered");
    if (registered !== undefined && BigInt(registered.args.id as bigint) !== result.upkeepId) {
      throw new CliError(`the registry announced upkeep ${registered.args.id}, the registrar ${result.upkeepId}`);
    }
    result.forwarder = await registry.getForwarder(result.upkeepId);
    ensure(result.forwarder !== ZeroAddress, `the registry has no forwarder for upkeep ${result.upkeepId}`);
    sayFields([
      ["upkeep id", String(result.upkeepId)],
      ["balance", formatLink(await registry.getBalance(result.upkeepId))],
      ["forwarder", result.forwarder],
    ]);
    if (args.skipForwarder) {
      say(
        `Skipped setForwarder: the OracleClient admin must run gridmarket:set-forwarder --forwarder ${result.forwarder}`,
      );
    } else {
      await wireForwarder(ctx, result.forwarder);
    }
    say(AUTOMATION_RETIRED_WARNING);
    return result;
  },
);

function parseAmount(value: string): string {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim()) || Number(value) === 0) {
    throw new CliError(`--amount: "${value}" is not a positive LINK amount`);
  }
  return value.trim();
}

/** The Automation registry of `--registry`, or of config/chainlink.json for this chain. */
function registryAddress(ctx: Context, root: string, option: string | undefined): string {
  const address =
    option !== undefined
      ? parseAddress("--registry", option)
      : (chainlinkConfig(root, ctx.d.chainId)?.registry ?? undefined);
  ensure(address, `no Automation registry known for chain ${ctx.d.chainId}: pass --registry`);
  return address;
}

gridTask(
  task("gridmarket:set-forwarder", "Sets the Automation forwarder allowed to call performUpkeep (OracleClient admin)")
    .addOptionalParam("forwarder", "Forwarder address (or `none` to allow operators only)")
    .addOptionalParam("upkeepId", "Upkeep id: the forwarder is read from --registry")
    .addOptionalParam("registry", "Automation registry holding --upkeep-id (default: config/chainlink.json)"),
  async (ctx, args: { forwarder?: string; upkeepId?: string; registry?: string }, hre) => {
    await requireAdmin(ctx);
    let forwarder: string;
    if (args.forwarder !== undefined) {
      ensure(args.upkeepId === undefined, "pass either --forwarder or --upkeep-id, not both");
      forwarder = args.forwarder.toLowerCase() === "none" ? ZeroAddress : parseAddress("--forwarder", args.forwarder);
    } else {
      ensure(args.upkeepId !== undefined, "pass --forwarder <address> or --upkeep-id <id>");
      const upkeepId = parseInteger("--upkeep-id", args.upkeepId, 1n);
      const registry = connectRegistry(registryAddress(ctx, hre.config.paths.root, args.registry), ctx.signer);
      forwarder = await registry.getForwarder(upkeepId);
      ensure(
        forwarder !== ZeroAddress,
        `registry ${await registry.getAddress()} has no forwarder for upkeep ${upkeepId}`,
      );
    }
    await wireForwarder(ctx, forwarder);
    return forwarder;
  },
);

gridTask(
  task("gridmarket:upkeep-status", "Shows an Automation upkeep: balance vs the registry's minimum, whether performable")
    .addParam("upkeepId", "Upkeep id")
    .addOptionalParam("registry", "Automation registry holding the upkeep (default: config/chainlink.json)"),
  (args: { upkeepId: string; registry?: string }) => ({
    ...args,
    upkeepId: parseInteger("--upkeep-id", args.upkeepId, 1n),
  }),
  async (ctx, args, hre): Promise<UpkeepStatus> => {
    const registry = connectRegistry(registryAddress(ctx, hre.config.paths.root, args.registry), ctx.signer);
    const status = await readUpkeepStatus(registry, args.upkeepId, ctx.d.oracleClient);
    sayFields([
      ["registry", `${status.registry} (${status.typeAndVersion})`],
      ["upkeep id", String(status.upkeepId)],
      ["target", `${status.target}, gas ${status.performGas}, admin ${status.admin}`],
      ["forwarder", `${status.forwarder}${status.forwarderWired ? " (wired to the OracleClient)" : " (not wired)"}`],
      ["balance", formatLink(status.balance)],
      ["minimum balance", formatLink(status.minimumBalance)],
      ["spent", formatLink(status.amountSpent)],
      ["last perform", status.lastPerformedBlock === 0n ? "never" : `block ${status.lastPerformedBlock}`],
      ["market work", status.workPending ? "pending (checkUpkeep is true)" : "none"],
      ["performable", status.performable ? "yes" : `no: ${status.reasons.join("; ")}`],
    ]);
    say(AUTOMATION_RETIRED_WARNING);
    return status;
  },
);

gridTask(
  task(
    "gridmarket:set-auto-clearing",
    "Switches automatic market clearing by upkeeps on or off (REC regulator)",
  ).addParam("enabled", "true or false"),
  (args: { enabled: string }) => parseBoolean("--enabled", args.enabled),
  async (ctx, enabled) => {
    ensure(await ctx.d.registry.isRecRegulator(ctx.signer.address), `${ctx.signer.address} is not a REC regulator`);
    ensure(
      (await ctx.d.oracleClient.autoMarketClearing()) !== enabled,
      `auto clearing already is ${enabled ? "on" : "off"}`,
    );
    await send("setAutoMarketClearing", () => ctx.d.oracleClient.setAutoMarketClearing(enabled), ctx.decoders);
    const after = await ctx.d.oracleClient.autoMarketClearing();
    say(`Automatic market clearing is ${after ? "on" : "off"}`);
    return after;
  },
);

gridTask(
  task("gridmarket:set-cre", "Sets the CRE forwarder allowed to call onReport, and optionally the workflow (admin)")
    .addOptionalParam("forwarder", "The KeystoneForwarder of this network, or `none` to refuse all reports")
    .addOptionalParam("workflowId", "Only accept reports of this workflow id (bytes32; `any` to allow any)")
    .addOptionalParam("workflowOwner", "Only accept reports of workflows owned by this address (`any` to allow any)"),
  (args: { forwarder?: string; workflowId?: string; workflowOwner?: string }) => {
    ensure(
      args.forwarder !== undefined || args.workflowId !== undefined || args.workflowOwner !== undefined,
      "pass --forwarder and/or --workflow-id / --workflow-owner",
    );
    return args;
  },
  async (ctx, args) => {
    await requireAdmin(ctx, "set the CRE forwarder and workflow");
    const { oracleClient } = ctx.d;
    if (args.forwarder !== undefined) {
      const forwarder =
        args.forwarder.toLowerCase() === "none" ? ZeroAddress : parseAddress("--forwarder", args.forwarder);
      if ((await oracleClient.creForwarder()).toLowerCase() === forwarder.toLowerCase()) {
        say(`  the CRE forwarder already is ${forwarder}`);
      } else {
        await send("setCreForwarder", () => oracleClient.setCreForwarder(forwarder), ctx.decoders);
      }
    }
    if (args.workflowId !== undefined || args.workflowOwner !== undefined) {
      const [currentId, currentOwner] = await oracleClient.creWorkflow();
      const id = anyOr(args.workflowId, currentId, ZeroHash, (v) => parseBytes32("--workflow-id", v));
      const owner = anyOr(args.workflowOwner, currentOwner, ZeroAddress, (v) => parseAddress("--workflow-owner", v));
      ensure(id !== currentId || owner !== currentOwner, "the CRE workflow filter already is that");
      await send("setCreWorkflow", () => oracleClient.setCreWorkflow(id, owner), ctx.decoders);
    }
    const [forwarder, [workflowId, workflowOwner]] = await Promise.all([
      oracleClient.creForwarder(),
      oracleClient.creWorkflow(),
    ]);
    sayFields([
      ["CRE forwarder", forwarder],
      ["workflow id", workflowId === ZeroHash ? "any" : workflowId],
      ["workflow owner", workflowOwner === ZeroAddress ? "any" : workflowOwner],
    ]);
    return { forwarder, workflowId, workflowOwner };
  },
);

/** An optional filter option: absent keeps `current`, `any` is `zero` (no filter), anything else is parsed. */
function anyOr(value: string | undefined, current: string, zero: string, parse: (value: string) => string): string {
  if (value === undefined) return current;
  return value.toLowerCase() === "any" ? zero : parse(value);
}

function parseBytes32(option: string, value: string): string {
  ensure(isHexString(value, 32), `${option}: "${value}" is not a 0x-prefixed 32-byte hex value`);
  return value.toLowerCase();
}
