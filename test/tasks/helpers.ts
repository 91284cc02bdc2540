// Shared set-up for the operator CLI tests: the GridMarket system deployed through its Ignition module on the
// in-process network, its addresses written where the tasks look for them, and the tasks' printed output captured.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import hre from "hardhat";

import type { Trading } from "../../typechain-types";
import { DEPLOYMENTS_DIR_ENV, defaultDeploymentId } from "../../lib/deployment";
import { output } from "../../lib/output";
import { type Market, deployMarket } from "../fixtures";

/** The deployed system, typed. */
export type System = Market;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-tasks-"));

/** Points the tasks at a temporary deployments folder (set once for the whole test run). */
process.env[DEPLOYMENTS_DIR_ENV] = root;

/** Writes `deployed_addresses.json` as `ignition deploy` does, under `deploymentId`. */
export function writeDeployment(addresses: Record<string, string>, deploymentId: string, journal?: string[]): string {
  const dir = path.join(root, deploymentId);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "deployed_addresses.json"), JSON.stringify(addresses, null, 2));
  if (journal) fs.writeFileSync(path.join(dir, "journal.jsonl"), journal.join("\n") + "\n");
  return dir;
}

/** Deploys GridMarket with Ignition ({@link deployMarket}) and registers its addresses for the tasks (use through {@link load}). */
export async function deploySystem(): Promise<System> {
  const system = await deployMarket();
  await registerDeployment(system);
  return system;
}

/**
 * `loadFixture(fixture)`, then points the tasks at that fixture's contracts again: reverting to a snapshot does
 * not rewrite the address file that a later fixture overwrote.
 */
export async function load<T extends System>(fixture: () => Promise<T>): Promise<T> {
  const system = await loadFixture(fixture);
  await registerDeployment(system);
  return system;
}

async function registerDeployment(system: System): Promise<void> {
  const chainId = BigInt(await hre.ethers.provider.send("eth_chainId", []));
  writeDeployment(
    {
      "Registry#Registry": await system.registry.getAddress(),
      "GridToken#GridToken": await system.gridToken.getAddress(),
      "PaymentToken#MockUSDC": await system.paymentToken.getAddress(),
      "Trading#Trading": await system.trading.getAddress(),
      "OracleClient#OracleClient": await system.oracleClient.getAddress(),
    },
    defaultDeploymentId(chainId),
  );
}

/** Captures what the tasks print while `fn` runs. */
export async function capture<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = output.write;
  output.write = (line: string) => {
    lines.push(line);
  };
  try {
    return { result: await fn(), lines };
  } finally {
    output.write = original;
  }
}

/** Runs a task silently and returns its result. */
export async function run<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  return (await capture(() => hre.run(name, args) as Promise<T>)).result;
}

/** Runs a task expected to fail and returns its error message. */
export async function runError(name: string, args: Record<string, unknown> = {}): Promise<string> {
  try {
    await run(name, args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${name} succeeded but was expected to fail`);
}

/** Moves the chain past the end of `epoch` (one block mined at the new time). */
export async function passEpoch(trading: Trading, epoch: bigint): Promise<void> {
  const end = await trading.epochEnd(epoch);
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(end)]);
  await hre.network.provider.send("evm_mine", []);
}

/**
 * The system set up through the operator tasks: Alice (prosumer, meter MTR-A) holding 3 kWh of GRID minted from two
 * readings written to `readingsFile`, Bob (consumer) holding 10 USDC; the chain at the start of the next epoch.
 */
export async function deployFundedAtNextEpoch(readingsFile: string) {
  const system = await deploySystem();
  const [admin, alice, bob, outsider] = await hre.ethers.getSigners();
  await run("gridmarket:register-user", { account: alice.address, type: "prosumer" });
  await run("gridmarket:register-user", { account: bob.address, type: "consumer" });
  await run("gridmarket:assign-meter", { meter: "MTR-A", owner: alice.address });
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  fs.writeFileSync(
    readingsFile,
    `meter,exportWh,importWh,readAt\nMTR-A,1000,0,${now - 3600n}\nMTR-A,4000,0,${now - 1800n}\n`,
  );
  await run("gridmarket:submit-readings", { file: readingsFile });
  await run("gridmarket:mint-payment-token", { to: bob.address, amount: "10" });
  const epoch = (await system.trading.currentEpoch()) + 1n;
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(await system.trading.epochStart(epoch))]);
  await hre.network.provider.send("evm_mine", []);
  return { system, admin, alice, bob, outsider, epoch };
}

/**
 * A market with one ended, uncleared epoch: Alice (prosumer, meter MTR-A, 3 kWh) asks 1.5 kWh at 0.20 USDC,
 * Bob (consumer, 10 USDC) bids 1 kWh at 0.30 USDC; the chain is past the epoch's gate closure.
 */
export async function deployWithEndedEpoch(): Promise<System & { epoch: bigint }> {
  const { system, alice, bob, epoch } = await deployFundedAtNextEpoch(path.join(root, "ended-epoch-readings.csv"));
  await run("gridmarket:place-order", { side: "sell", amount: "1.5", price: "0.20", from: alice.address });
  await run("gridmarket:place-order", { side: "buy", amount: "1", price: "0.30", from: bob.address });
  await passEpoch(system.trading, epoch);
  return { ...system, epoch };
}

/** The arguments of every `event` that `contract` emitted in the latest block (what the last task sent). */
export async function lastBlockEvents(trading: Trading, event: string): Promise<unknown[][]> {
  const block = await hre.ethers.provider.getBlockNumber();
  const logs = await trading.queryFilter(trading.getEvent(event as "Deposited"), block, block);
  return logs.map((log) => [...log.args]);
}
