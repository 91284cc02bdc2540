// Chainlink Automation: the registrar and registry of a network (config/chainlink.json), the registrar's version
// and the 2.1 / 2.3 `RegistrationParams`, what a registration receipt says, the registry's minimum balance for a gas
// limit (and the funding sized from it), and an upkeep's status. The operator tasks (gridmarket:register-upkeep,
// gridmarket:upkeep-status) parse, call these and print.
//
// Warning: Chainlink retired classic Automation in 2026. A registration may be accepted and funded and still never
// be performed. The guaranteed paths are the keeper (lib/keeper.ts) and a CRE workflow writing clearing reports to
// OracleClient.onReport (docs/OPERATIONS.md).
import fs from "node:fs";
import path from "node:path";

import { type ContractRunner, type ContractTransactionReceipt, ZeroAddress } from "ethers";

import type {
  IAutomationRegistrar2_1,
  IAutomationRegistrar2_3,
  IAutomationRegistryForwarding,
  LinkTokenInterface,
  OracleClient,
} from "../typechain-types";
import { CliError } from "./errors";
import { eventsOf, type HasInterface, send } from "./tx";
import { formatMoney } from "./units";

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

/** The registries' trigger type of a custom-logic (conditional) upkeep. */
const CONDITIONAL = 0;

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
  /**
   * The registry's minimum balance for a new conditional upkeep of `gasLimit` paid in LINK: the most one perform may
   * cost at the current fast gas price times the registry's gas ceiling multiplier. Below it the network never
   * performs the upkeep.
   */
  minimumBalance(gasLimit: number): Promise<bigint>;
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
    minimumBalance: (gasLimit) =>
      version === "2.1"
        ? factories()
            .IAutomationRegistryPricing2_1__factory.connect(registry, runner)
            .getMaxPaymentForGas(CONDITIONAL, gasLimit)
        : factories()
            .IAutomationRegistryPricing2_3__factory.connect(registry, runner)
            .getMaxPaymentForGas(0n, CONDITIONAL, gasLimit, link),
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

/** LINK (18 decimals) as printed: "21.22156 LINK". */
export function formatLink(juels: bigint): string {
  return formatMoney(juels, 18, "LINK");
}

/**
 * The default funding is this many times the registry's minimum balance: the upkeep stays performable while the
 * fast gas price triples (1 → 3 gwei moves a 5,000,000-gas upkeep's minimum from 2.12 to 6.37 LINK), and pays
 * for a few performs before the admin must top it up.
 */
export const FUNDING_SAFETY_FACTOR = 3n;

/** One hundredth of a LINK: default amounts are rounded up to it, to print and type them back as they are. */
const CENTI_LINK = 10n ** 16n;

/**
 * The LINK to fund a new upkeep with when the operator names no amount: {@link FUNDING_SAFETY_FACTOR} times the
 * registry's `minimumBalance`, rounded up to 0.01 LINK, and at least the registrar's `registrationMinimum`.
 */
export function defaultFunding(minimumBalance: bigint, registrationMinimum: bigint): bigint {
  const sized = ((minimumBalance * FUNDING_SAFETY_FACTOR + CENTI_LINK - 1n) / CENTI_LINK) * CENTI_LINK;
  return sized > registrationMinimum ? sized : registrationMinimum;
}

/**
 * Refuses a registration that the registrar would reject or the network would never perform: `amount` below the
 * registrar's minimum, or below the registry's minimum balance for `gasLimit`. The message names both figures.
 */
export function checkFunding(amount: bigint, registrar: Registrar, minimumBalance: bigint, gasLimit: number): void {
  if (amount < registrar.minimum) {
    throw new CliError(
      `--amount: ${formatLink(amount)} is below the registrar's minimum registration amount of ${formatLink(registrar.minimum)}`,
    );
  }
  if (amount < minimumBalance) {
    throw new CliError(
      `--amount: ${formatLink(amount)} would underfund the upkeep: the registry's minimum balance for ` +
        `${gasLimit.toLocaleString("en-US")} gas is ${formatLink(minimumBalance)} at the current fast gas price, ` +
        `and the network never performs an upkeep below it. Fund at least that ` +
        `(the default, ${FUNDING_SAFETY_FACTOR} × the minimum, is ${formatLink(defaultFunding(minimumBalance, registrar.minimum))})`,
    );
  }
}

/** What `gridmarket:upkeep-status` reports: the upkeep as the registry holds it, and whether it can be performed. */
export interface UpkeepStatus {
  registry: string;
  typeAndVersion: string;
  upkeepId: bigint;
  target: string;
  admin: string;
  performGas: bigint;
  forwarder: string;
  /** Whether the OracleClient lets this upkeep's forwarder call performUpkeep. */
  forwarderWired: boolean;
  balance: bigint;
  minimumBalance: bigint;
  amountSpent: bigint;
  paused: boolean;
  cancelled: boolean;
  /** Block of the last perform; 0 when never performed. */
  lastPerformedBlock: bigint;
  /** Whether the OracleClient's checkUpkeep has work now. */
  workPending: boolean;
  /** Funded, not paused, not cancelled, and the forwarder is wired. */
  performable: boolean;
  /** Why not, when not performable. */
  reasons: string[];
}

/** The registries mark an active upkeep with this `maxValidBlocknumber`. */
const ACTIVE = 2n ** 32n - 1n;

/** Reads upkeep `upkeepId` from `registry` and says whether the network can perform it on `oracleClient`. */
export async function readUpkeepStatus(
  registry: IAutomationRegistryForwarding,
  upkeepId: bigint,
  oracleClient: OracleClient,
): Promise<UpkeepStatus> {
  // An unknown id reads as an empty upkeep (and its minimum balance would revert on 2.3: no billing token).
  const info = await registry.getUpkeep(upkeepId);
  if (info.target === ZeroAddress) {
    throw new CliError(`registry ${await registry.getAddress()} has no upkeep ${upkeepId}`);
  }
  const [typeAndVersion, minimumBalance, forwarder, wired, [workPending]] = await Promise.all([
    registry.typeAndVersion(),
    registry.getMinBalanceForUpkeep(upkeepId),
    registry.getForwarder(upkeepId),
    oracleClient.forwarder(),
    oracleClient.checkUpkeep("0x"),
  ]);
  const status = {
    registry: await registry.getAddress(),
    typeAndVersion,
    upkeepId,
    target: info.target,
    admin: info.admin,
    performGas: info.performGas,
    forwarder,
    forwarderWired: wired.toLowerCase() === forwarder.toLowerCase(),
    balance: info.balance,
    minimumBalance,
    amountSpent: info.amountSpent,
    paused: info.paused,
    cancelled: info.maxValidBlocknumber !== ACTIVE,
    lastPerformedBlock: info.lastPerformedBlockNumber,
    workPending,
  };
  const reasons = [
    status.balance < minimumBalance &&
      `underfunded: balance ${formatLink(status.balance)} < minimum ${formatLink(minimumBalance)}`,
    status.paused && "paused by its admin",
    status.cancelled && `cancelled (valid until block ${info.maxValidBlocknumber})`,
    status.target.toLowerCase() !== (await oracleClient.getAddress()).toLowerCase() &&
      `its target ${status.target} is not this OracleClient`,
    !status.forwarderWired && `the OracleClient's forwarder is ${wired}, not this upkeep's ${forwarder}`,
  ].filter((reason): reason is string => typeof reason === "string");
  return { ...status, performable: reasons.length === 0, reasons };
}
