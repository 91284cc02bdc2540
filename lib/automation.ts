// Chainlink Automation: the registrar and registry of a network (config/chainlink.json), the registrar's version
// and the 2.1 / 2.3 `RegistrationParams`, and what a registration receipt says. The operator task
// (gridmarket:register-upkeep) parses, calls these and prints.
//
// Warning: Chainlink retired classic Automation in 2026. A registration may be accepted and funded and still never
// be performed. The guaranteed paths are the keeper (lib/keeper.ts) and a CRE workflow writing clearing reports to
// OracleClient.onReport (docs/OPERATIONS.md).
import fs from "node:fs";
import path from "node:path";

import type { ContractRunner, ContractTransactionReceipt } from "ethers";

import type {
  IAutomationRegistrar2_1,
  IAutomationRegistrar2_3,
  IAutomationRegistryForwarding,
  LinkTokenInterface,
} from "../typechain-types";
import { CliError } from "./errors";
import { eventsOf, type HasInterface, send } from "./tx";

/**
 * TypeChain's factories, loaded on first use: hardhat.config.ts loads the tasks (and so this module) before
 * `typechain-types/` exists on a fresh clone, when `hardhat compile` is about to generate it.
 */
function factories(): typeof import("../typechain-types") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../typechain-types");
}

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

/** Reads `<root>/config/chainlink.json`'s entry for `chainId` (undefined when the chain is not listed). */
export function chainlinkConfig(root: string, chainId: bigint): ChainlinkNetworkConfig | undefined {
  const file = path.join(root, "config", "chainlink.json");
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { networks: Record<string, ChainlinkNetworkConfig> };
  return parsed.networks[String(chainId)];
}

/** Registrar versions spoken here. */
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

/** A custom-logic upkeep to register. */
export interface UpkeepRequest {
  name: string;
  upkeepContract: string;
  gasLimit: number;
  admin: string;
  checkData: string;
  /** LINK (18 decimals) funding the upkeep. */
  amount: bigint;
}

/** A registrar as read from the chain: its version, registry, LINK and minimum funding. */
export interface Registrar {
  address: string;
  typeAndVersion: string;
  version: RegistrarVersion;
  registry: string;
  link: string;
  minimum: bigint;
  /** Both interfaces, to decode custom errors of either version. */
  decoders: HasInterface[];
  /** Sends `registerUpkeep` with the `RegistrationParams` of the registrar's version. */
  register(request: UpkeepRequest, decoders: HasInterface[]): Promise<ContractTransactionReceipt>;
  /** The registrar's events in `receipt`: the request hash, and the upkeep id when it was approved at once. */
  outcome(receipt: ContractTransactionReceipt): { requestHash: string; upkeepId?: bigint };
}

/** Reads the registrar at `address`: it tells its version, its registry and its LINK. */
export async function connectRegistrar(address: string, runner: ContractRunner): Promise<Registrar> {
  const r21: IAutomationRegistrar2_1 = factories().IAutomationRegistrar2_1__factory.connect(address, runner);
  const r23: IAutomationRegistrar2_3 = factories().IAutomationRegistrar2_3__factory.connect(address, runner);
  const typeAndVersion = await r21.typeAndVersion();
  const version = registrarVersion(typeAndVersion);
  let registry: string;
  let link: string;
  let minimum: bigint;
  if (version === "2.1") {
    [registry, minimum] = await r21.getConfig();
    link = await r21.LINK();
  } else {
    registry = await r23.getRegistry();
    link = await r23.i_LINK();
    minimum = await r23.getMinimumRegistrationAmount(link);
  }
  const events = version === "2.1" ? r21 : r23;
  return {
    address,
    typeAndVersion,
    version,
    registry,
    link,
    minimum,
    decoders: [r21, r23],
    register: (q, decoders) =>
      version === "2.1"
        ? send(
            "registerUpkeep (2.1)",
            () =>
              r21.registerUpkeep({
                name: q.name,
                encryptedEmail: "0x",
                upkeepContract: q.upkeepContract,
                gasLimit: q.gasLimit,
                adminAddress: q.admin,
                triggerType: 0,
                checkData: q.checkData,
                triggerConfig: "0x",
                offchainConfig: "0x",
                amount: q.amount,
              }),
            decoders,
          )
        : send(
            "registerUpkeep (2.3)",
            () =>
              r23.registerUpkeep({
                upkeepContract: q.upkeepContract,
                amount: q.amount,
                adminAddress: q.admin,
                gasLimit: q.gasLimit,
                triggerType: 0,
                billingToken: link,
                name: q.name,
                encryptedEmail: "0x",
                checkData: q.checkData,
                triggerConfig: "0x",
                offchainConfig: "0x",
              }),
            decoders,
          ),
    outcome(receipt) {
      const [requested] = eventsOf(receipt, events, "RegistrationRequested");
      if (requested === undefined) throw new CliError("the registrar emitted no RegistrationRequested event");
      const [approved] = eventsOf(receipt, events, "RegistrationApproved");
      return {
        requestHash: String(requested.args.hash),
        upkeepId: approved === undefined ? undefined : BigInt(approved.args.upkeepId as bigint),
      };
    },
  };
}

/** The Automation registry at `address` (forwarders and balances). */
export function connectRegistry(address: string, runner: ContractRunner): IAutomationRegistryForwarding {
  return factories().IAutomationRegistryForwarding__factory.connect(address, runner);
}

/** The LINK token at `address`. */
export function connectLink(address: string, runner: ContractRunner): LinkTokenInterface {
  return factories().LinkTokenInterface__factory.connect(address, runner);
}
