// Chainlink Automation: register the OracleClient as a custom-logic upkeep, wire the forwarder, switch clearing.
//
// Warning: Chainlink retired classic Automation in 2026. A registration may be accepted and funded and still never
// be performed. The guaranteed paths are the project's keeper (gridmarket:keeper) and a CRE workflow writing
// clearing reports to OracleClient.onReport (docs/OPERATIONS.md).
import fs from "node:fs";
import path from "node:path";

import { getAddress, isHexString, parseUnits, ZeroAddress, ZeroHash } from "ethers";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type {
  IAutomationRegistrar2_1,
  IAutomationRegistrar2_3,
  IAutomationRegistryForwarding,
  LinkTokenInterface,
} from "../typechain-types";
import { type CommonArgs, type Context, setup, withCommonParams } from "./lib/common";
import { CliError, ensure } from "./lib/errors";
import { say, sayFields } from "./lib/output";
import { eventsOf, send } from "./lib/tx";
import { parseInteger } from "./lib/units";
import { parseAddress, parseBoolean } from "./lib/validate";

/** Printed before and after every registration. */
export const AUTOMATION_RETIRED_WARNING = [
  "WARNING: Chainlink retired classic Automation (registries 2.1 and 2.3) in 2026. This upkeep may be accepted",
  "and funded and still never be performed. Keep the market clearing with the project's keeper",
  "(npx hardhat gridmarket:keeper) or a CRE workflow that writes clearing reports to OracleClient.onReport",
  "(see docs/OPERATIONS.md, 'CRE').",
].join("\n");

/** One network of config/chainlink.json. */
export interface ChainlinkNetworkConfig {
  name: string;
  registrar: string | null;
  registry: string | null;
  link: string | null;
  source: string;
}

/** Reads config/chainlink.json's entry for `chainId` (undefined when the chain is not listed). */
export function chainlinkConfig(hre: HardhatRuntimeEnvironment, chainId: bigint): ChainlinkNetworkConfig | undefined {
  const file = path.join(hre.config.paths.root, "config", "chainlink.json");
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { networks: Record<string, ChainlinkNetworkConfig> };
  return parsed.networks[String(chainId)];
}

/** Registrar versions the task speaks. */
export type RegistrarVersion = "2.1" | "2.3";

/** Parses a registrar's `typeAndVersion()` ("AutomationRegistrar 2.1.0"). */
export function registrarVersion(typeAndVersion: string): RegistrarVersion {
  const match = /^(?:AutomationRegistrar|KeeperRegistrar) (\d+)\.(\d+)\.\d+/.exec(typeAndVersion);
  if (match?.[1] === "2" && match[2] === "1") return "2.1";
  if (match?.[1] === "2" && match[2] === "3") return "2.3";
  throw new CliError(
    `unsupported registrar "${typeAndVersion}": this task builds RegistrationParams for AutomationRegistrar 2.1 and 2.3`,
  );
}

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

interface RegisterArgs extends CommonArgs {
  registrar?: string;
  amount: string;
  gasLimit: string;
  name: string;
  admin?: string;
  checkData: string;
  skipForwarder: boolean;
}

/** What gridmarket:register-upkeep returns. */
export interface RegistrationResult {
  version: RegistrarVersion;
  registrar: string;
  registry: string;
  link: string;
  /** 0 when the registrar left the request pending for manual approval. */
  upkeepId: bigint;
  forwarder?: string;
  requestHash: string;
}

withCommonParams(
  task(
    "gridmarket:register-upkeep",
    "Registers OracleClient as a custom-logic Chainlink Automation upkeep (2.1 or 2.3)",
  )
    .addOptionalParam("registrar", "Automation registrar (default: config/chainlink.json for this chain)")
    .addOptionalParam("amount", "LINK funding the upkeep", "5")
    .addOptionalParam("gasLimit", "performUpkeep gas limit (registries cap it at 5,000,000)", "5000000")
    .addOptionalParam("name", "Upkeep display name", "GridMarket market clearing")
    .addOptionalParam("admin", "Upkeep admin: may fund, pause, cancel, withdraw (default: the sender)")
    .addOptionalParam("checkData", "checkData passed to checkUpkeep (hex)", "0x")
    .addFlag("skipForwarder", "Do not call OracleClient.setForwarder (when the sender is not the OracleClient admin)"),
).setAction(async (args: RegisterArgs, hre): Promise<RegistrationResult> => {
  say(AUTOMATION_RETIRED_WARNING);
  const amount = parseUnits(String(parseAmount(args.amount)), 18);
  const gasLimit = Number(parseInteger("--gas-limit", args.gasLimit, 10_000n, 5_000_000n));
  ensure(isHexString(args.checkData), `--check-data: "${args.checkData}" is not 0x-prefixed hex`);
  ensure(args.name.trim() !== "", "--name must not be empty");

  const ctx = await setup(hre, args);
  const { d, signer } = ctx;
  const config = chainlinkConfig(hre, d.chainId);
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
  const probe = (await hre.ethers.getContractAt(
    "IAutomationRegistrar2_1",
    registrarAddress,
    signer,
  )) as unknown as IAutomationRegistrar2_1;
  const typeAndVersion = await probe.typeAndVersion();
  const version = registrarVersion(typeAndVersion);
  let registryAddress: string;
  let linkAddress: string;
  let minimum: bigint;
  const registrar21 = probe;
  const registrar23 = (await hre.ethers.getContractAt(
    "IAutomationRegistrar2_3",
    registrarAddress,
    signer,
  )) as unknown as IAutomationRegistrar2_3;
  if (version === "2.1") {
    const [registry, minLink] = await registrar21.getConfig();
    registryAddress = registry;
    minimum = minLink;
    linkAddress = await registrar21.LINK();
  } else {
    registryAddress = await registrar23.getRegistry();
    linkAddress = await registrar23.i_LINK();
    minimum = await registrar23.getMinimumRegistrationAmount(linkAddress);
  }
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
  sayFields([
    ["registrar", `${registrarAddress} (${typeAndVersion})`],
    ["registry", registryAddress],
    ["LINK", linkAddress],
    ["upkeep", `${args.name}: OracleClient ${await d.oracleClient.getAddress()}, gas ${gasLimit}, admin ${admin}`],
  ]);

  const link = (await hre.ethers.getContractAt(
    "LinkTokenInterface",
    linkAddress,
    signer,
  )) as unknown as LinkTokenInterface;
  ensure(amount >= minimum, `--amount: the registrar requires at least ${hre.ethers.formatUnits(minimum, 18)} LINK`);
  const balance = await link.balanceOf(signer.address);
  ensure(
    balance >= amount,
    `${signer.address} holds ${hre.ethers.formatUnits(balance, 18)} LINK; the registration needs ${args.amount}`,
  );
  const decoders = [...ctx.decoders, registrar21, registrar23];
  if ((await link.allowance(signer.address, registrarAddress)) < amount) {
    await send("approve LINK", () => link.approve(registrarAddress, amount), decoders);
  }

  const upkeepContract = await d.oracleClient.getAddress();
  const receipt =
    version === "2.1"
      ? await send(
          "registerUpkeep (2.1)",
          () =>
            registrar21.registerUpkeep({
              name: args.name,
              encryptedEmail: "0x",
              upkeepContract,
              gasLimit,
              adminAddress: admin,
              triggerType: 0,
              checkData: args.checkData,
              triggerConfig: "0x",
              offchainConfig: "0x",
              amount,
            }),
          decoders,
        )
      : await send(
          "registerUpkeep (2.3)",
          () =>
            registrar23.registerUpkeep({
              upkeepContract,
              amount,
              adminAddress: admin,
              gasLimit,
              triggerType: 0,
              billingToken: linkAddress,
              name: args.name,
              encryptedEmail: "0x",
              checkData: args.checkData,
              triggerConfig: "0x",
              offchainConfig: "0x",
            }),
          decoders,
        );

  const registrarEvents = version === "2.1" ? registrar21 : registrar23;
  const [requested] = eventsOf(receipt, registrarEvents, "RegistrationRequested");
  ensure(requested !== undefined, "the registrar emitted no RegistrationRequested event");
  const requestHash = String(requested.args.hash);
  const [approved] = eventsOf(receipt, registrarEvents, "RegistrationApproved");
  const result: RegistrationResult = {
    version,
    registrar: registrarAddress,
    registry: registryAddress,
    link: linkAddress,
    upkeepId: 0n,
    requestHash,
  };
  if (approved === undefined) {
    say(`Registration request ${requestHash} is pending manual approval by the registrar's owner.`);
    say(
      "Once approved, read the upkeep id from the registrar's RegistrationApproved event and run " +
        "gridmarket:set-forwarder --upkeep-id <id> --registry " +
        registryAddress,
    );
    say(AUTOMATION_RETIRED_WARNING);
    return result;
  }
  result.upkeepId = BigInt(approved.args.upkeepId as bigint);

  const registry = (await hre.ethers.getContractAt(
    "IAutomationRegistryForwarding",
    registryAddress,
    signer,
  )) as unknown as IAutomationRegistryForwarding;
  const [registered] = eventsOf(receipt, registry, "UpkeepRegistered");
  if (registered !== undefined && BigInt(registered.args.id as bigint) !== result.upkeepId) {
    throw new CliError(`the registry announced upkeep ${registered.args.id}, the registrar ${result.upkeepId}`);
  }
  result.forwarder = await registry.getForwarder(result.upkeepId);
  ensure(result.forwarder !== ZeroAddress, `the registry has no forwarder for upkeep ${result.upkeepId}`);
  sayFields([
    ["upkeep id", String(result.upkeepId)],
    ["balance", `${hre.ethers.formatUnits(await registry.getBalance(result.upkeepId), 18)} LINK`],
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
});

function parseAmount(value: string): string {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim()) || Number(value) === 0) {
    throw new CliError(`--amount: "${value}" is not a positive LINK amount`);
  }
  return value.trim();
}

withCommonParams(
  task("gridmarket:set-forwarder", "Sets the Automation forwarder allowed to call performUpkeep (OracleClient admin)")
    .addOptionalParam("forwarder", "Forwarder address (or `none` to allow operators only)")
    .addOptionalParam("upkeepId", "Upkeep id: the forwarder is read from --registry")
    .addOptionalParam("registry", "Automation registry holding --upkeep-id (default: config/chainlink.json)"),
).setAction(async (args: CommonArgs & { forwarder?: string; upkeepId?: string; registry?: string }, hre) => {
  const ctx = await setup(hre, args);
  await requireAdmin(ctx);
  let forwarder: string;
  if (args.forwarder !== undefined) {
    ensure(args.upkeepId === undefined, "pass either --forwarder or --upkeep-id, not both");
    forwarder = args.forwarder.toLowerCase() === "none" ? ZeroAddress : parseAddress("--forwarder", args.forwarder);
  } else {
    ensure(args.upkeepId !== undefined, "pass --forwarder <address> or --upkeep-id <id>");
    const upkeepId = parseInteger("--upkeep-id", args.upkeepId, 1n);
    const registryAddress =
      args.registry !== undefined
        ? parseAddress("--registry", args.registry)
        : (chainlinkConfig(hre, ctx.d.chainId)?.registry ?? undefined);
    ensure(registryAddress, `no Automation registry known for chain ${ctx.d.chainId}: pass --registry`);
    const registry = (await hre.ethers.getContractAt(
      "IAutomationRegistryForwarding",
      registryAddress,
      ctx.signer,
    )) as unknown as IAutomationRegistryForwarding;
    forwarder = await registry.getForwarder(upkeepId);
    ensure(forwarder !== ZeroAddress, `registry ${registryAddress} has no forwarder for upkeep ${upkeepId}`);
  }
  await wireForwarder(ctx, forwarder);
  return forwarder;
});

withCommonParams(
  task(
    "gridmarket:set-auto-clearing",
    "Switches automatic market clearing by upkeeps on or off (REC regulator)",
  ).addParam("enabled", "true or false"),
).setAction(async (args: CommonArgs & { enabled: string }, hre) => {
  const enabled = parseBoolean("--enabled", args.enabled);
  const ctx = await setup(hre, args);
  ensure(await ctx.d.registry.isRecRegulator(ctx.signer.address), `${ctx.signer.address} is not a REC regulator`);
  ensure(
    (await ctx.d.oracleClient.autoMarketClearing()) !== enabled,
    `auto clearing already is ${enabled ? "on" : "off"}`,
  );
  await send("setAutoMarketClearing", () => ctx.d.oracleClient.setAutoMarketClearing(enabled), ctx.decoders);
  const after = await ctx.d.oracleClient.autoMarketClearing();
  say(`Automatic market clearing is ${after ? "on" : "off"}`);
  return after;
});

withCommonParams(
  task("gridmarket:set-cre", "Sets the CRE forwarder allowed to call onReport, and optionally the workflow (admin)")
    .addOptionalParam("forwarder", "The KeystoneForwarder of this network, or `none` to refuse all reports")
    .addOptionalParam("workflowId", "Only accept reports of this workflow id (bytes32; `any` to allow any)")
    .addOptionalParam("workflowOwner", "Only accept reports of workflows owned by this address (`any` to allow any)"),
).setAction(async (args: CommonArgs & { forwarder?: string; workflowId?: string; workflowOwner?: string }, hre) => {
  ensure(
    args.forwarder !== undefined || args.workflowId !== undefined || args.workflowOwner !== undefined,
    "pass --forwarder and/or --workflow-id / --workflow-owner",
  );
  const ctx = await setup(hre, args);
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
    const id =
      args.workflowId === undefined
        ? currentId
        : args.workflowId.toLowerCase() === "any"
          ? ZeroHash
          : parseBytes32("--workflow-id", args.workflowId);
    const owner =
      args.workflowOwner === undefined
        ? currentOwner
        : args.workflowOwner.toLowerCase() === "any"
          ? ZeroAddress
          : parseAddress("--workflow-owner", args.workflowOwner);
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
});

function parseBytes32(option: string, value: string): string {
  ensure(isHexString(value, 32), `${option}: "${value}" is not a 0x-prefixed 32-byte hex value`);
  return value.toLowerCase();
}
