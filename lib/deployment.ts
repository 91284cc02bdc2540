// Finds the GridMarket contracts of the current network in its Ignition deployment folder and checks that they
// are really there: the right chain, code at every address, and contracts wired to each other.
import fs from "node:fs";
import path from "node:path";

import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { GridToken, OracleClient, Registry, Trading } from "../typechain-types";
import type { IERC20Metadata } from "../typechain-types/@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata";
import { CliError } from "./errors";
import { type WiringCheck, wiringMismatches } from "./wiring";

/** Environment variable that moves the folder holding Ignition deployments (default: `<paths.ignition>/deployments`). */
export const DEPLOYMENTS_DIR_ENV = "GRIDMARKET_DEPLOYMENTS_DIR";

/** The fully qualified artifact of the payment token's interface (the bare name is ambiguous with Chainlink's copy). */
export const ERC20_METADATA_ARTIFACT =
  "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol:IERC20Metadata";

/** The contracts of a GridMarket deployment, connected to the chosen signer. */
export interface Deployment {
  network: string;
  chainId: bigint;
  deploymentId: string;
  /** The deployment folder (holds `deployed_addresses.json` and Ignition's `journal.jsonl`). */
  dir: string;
  registry: Registry;
  gridToken: GridToken;
  trading: Trading;
  oracleClient: OracleClient;
  paymentToken: IERC20Metadata;
  payment: { address: string; symbol: string; decimals: number };
  /** The block Trading was deployed in, from the journal (0 when unknown): where event scans start. */
  deploymentBlock: number;
}

const CONTRACTS = ["Registry", "GridToken", "Trading", "OracleClient"] as const;
type ContractName = (typeof CONTRACTS)[number];

/** The folder holding Ignition deployments. */
export function deploymentsRoot(hre: HardhatRuntimeEnvironment): string {
  return process.env[DEPLOYMENTS_DIR_ENV] ?? path.join(hre.config.paths.ignition, "deployments");
}

/** The deployment id Ignition uses by default on `chainId`. */
export function defaultDeploymentId(chainId: bigint): string {
  return `chain-${chainId}`;
}

/**
 * Loads the GridMarket deployment of the connected network.
 * @param deploymentId Ignition deployment id; default `chain-<chainId>`, the id `ignition deploy` uses.
 * @param signer the account the returned contracts send from (default: the network's first account).
 */
export async function loadDeployment(
  hre: HardhatRuntimeEnvironment,
  options: { deploymentId?: string; signer?: Signer } = {},
): Promise<Deployment> {
  const network = hre.network.name;
  const chainId = BigInt(await hre.ethers.provider.send("eth_chainId", []));
  const deploymentId = options.deploymentId ?? defaultDeploymentId(chainId);
  const dir = path.join(deploymentsRoot(hre), deploymentId);
  const addressesFile = path.join(dir, "deployed_addresses.json");

  if (!fs.existsSync(addressesFile)) {
    const hint =
      network === "hardhat"
        ? " The in-process `hardhat` network forgets everything after each command: start `npx hardhat node` and use `--network localhost`."
        : "";
    throw new CliError(
      `No GridMarket deployment "${deploymentId}" for network "${network}" (chain ${chainId}): ${addressesFile} does not exist. ` +
        `Deploy first: npx hardhat ignition deploy deploy/modules/GridMarket.ts --network ${network}.${hint}`,
    );
  }

  const journal = readJournal(dir);
  if (journal.chainId !== undefined && BigInt(journal.chainId) !== chainId) {
    throw new CliError(
      `Deployment "${deploymentId}" was made on chain ${journal.chainId}, but network "${network}" is chain ${chainId}. ` +
        `Pick the matching --network or --deployment-id.`,
    );
  }

  const addresses = readAddresses(addressesFile);
  const found = {} as Record<ContractName, string>;
  for (const name of CONTRACTS) found[name] = pickAddress(addresses, name, addressesFile);

  for (const name of CONTRACTS) {
    const code = await hre.ethers.provider.getCode(found[name]);
    if (code === "0x") {
      throw new CliError(
        `No contract at ${found[name]} (${name}) on network "${network}" (chain ${chainId}). The node was restarted ` +
          `since the deployment, or the deployment belongs to another chain. Redeploy, or delete ${dir} and redeploy.`,
      );
    }
  }

  const runner = options.signer ?? (await hre.ethers.getSigners())[0];
  const registry = (await hre.ethers.getContractAt("Registry", found.Registry, runner)) as unknown as Registry;
  const gridToken = (await hre.ethers.getContractAt("GridToken", found.GridToken, runner)) as unknown as GridToken;
  const trading = (await hre.ethers.getContractAt("Trading", found.Trading, runner)) as unknown as Trading;
  const oracleClient = (await hre.ethers.getContractAt(
    "OracleClient",
    found.OracleClient,
    runner,
  )) as unknown as OracleClient;

  // The contracts must be the ones wired together at deployment.
  const wiring: WiringCheck[] = [
    ["Trading.registry()", await trading.registry(), found.Registry],
    ["Trading.gridToken()", await trading.gridToken(), found.GridToken],
    ["OracleClient.trading()", await oracleClient.trading(), found.Trading],
    ["OracleClient.gridToken()", await oracleClient.gridToken(), found.GridToken],
  ];
  for (const [what, actual, expected] of wiringMismatches(wiring)) {
    throw new CliError(`${addressesFile} is inconsistent: ${what} is ${actual}, the deployment lists ${expected}`);
  }

  const paymentAddress = await trading.paymentToken();
  const paymentToken = (await hre.ethers.getContractAt(
    ERC20_METADATA_ARTIFACT,
    paymentAddress,
    runner,
  )) as unknown as IERC20Metadata;
  const [symbol, decimals] = await Promise.all([paymentToken.symbol(), paymentToken.decimals()]);

  return {
    network,
    chainId,
    deploymentId,
    dir,
    registry,
    gridToken,
    trading,
    oracleClient,
    paymentToken,
    payment: { address: paymentAddress, symbol, decimals: Number(decimals) },
    deploymentBlock: journal.blocks.get(found.Trading.toLowerCase()) ?? 0,
  };
}

function readAddresses(file: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (parsed === null || typeof parsed !== "object") throw new Error("not an object");
    return parsed as Record<string, string>;
  } catch (error) {
    throw new CliError(`${file} is not a valid Ignition address file: ${(error as Error).message}`);
  }
}

/** The address of the future whose id ends in `#<name>` (e.g. `Registry#Registry`). */
function pickAddress(addresses: Record<string, string>, name: ContractName, file: string): string {
  const keys = Object.keys(addresses).filter((key) => key.endsWith(`#${name}`));
  if (keys.length === 0) {
    throw new CliError(`${file} has no ${name} (no future id ending in "#${name}"): is this a GridMarket deployment?`);
  }
  if (keys.length > 1) {
    throw new CliError(`${file} lists several ${name} contracts (${keys.join(", ")}); pass --deployment-id`);
  }
  return addresses[keys[0]];
}

interface JournalFacts {
  chainId?: number;
  /** Contract address (lower case) → block of its deployment. */
  blocks: Map<string, number>;
}

/** Reads the chain id and deployment blocks from Ignition's journal, when present. */
function readJournal(dir: string): JournalFacts {
  const facts: JournalFacts = { blocks: new Map() };
  const file = path.join(dir, "journal.jsonl");
  if (!fs.existsSync(file)) return facts;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    let message: { type?: string; chainId?: number; receipt?: { blockNumber?: number; contractAddress?: string } };
    try {
      message = JSON.parse(line);
    } catch {
      continue; // A line cut short by an interrupted deployment.
    }
    if (message.type === "DEPLOYMENT_INITIALIZE" && typeof message.chainId === "number")
      facts.chainId = message.chainId;
    const receipt = message.receipt;
    if (message.type === "TRANSACTION_CONFIRM" && receipt?.contractAddress && receipt.blockNumber !== undefined) {
      facts.blocks.set(receipt.contractAddress.toLowerCase(), receipt.blockNumber);
    }
  }
  return facts;
}

/** What a deployment folder says without asking the chain: the four contracts, the chain and Trading's block. */
export interface DeploymentFolder {
  addresses: Record<ContractName, string>;
  chainId?: number;
  deploymentBlock: number;
}

/** Reads `deployed_addresses.json` and the journal of the Ignition deployment in `dir` (for the web app's config). */
export function readDeploymentFolder(dir: string): DeploymentFolder {
  const file = path.join(dir, "deployed_addresses.json");
  if (!fs.existsSync(file)) throw new CliError(`${file} does not exist: deploy first, or pick another deployment id`);
  const listed = readAddresses(file);
  const addresses = {} as Record<ContractName, string>;
  for (const name of CONTRACTS) addresses[name] = pickAddress(listed, name, file);
  const journal = readJournal(dir);
  return {
    addresses,
    chainId: journal.chainId,
    deploymentBlock: journal.blocks.get(addresses.Trading.toLowerCase()) ?? 0,
  };
}
