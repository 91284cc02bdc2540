// Sending a transaction the operator can follow: print the hash, wait for the receipt, and turn a revert into the
// contract's custom error with its arguments.
import type { ContractTransactionReceipt, ContractTransactionResponse, Interface, Log } from "ethers";

import { CliError } from "./errors";
import { say } from "./output";

/** Anything with an ethers `interface` (a contract). */
export interface HasInterface {
  interface: Interface;
}

/** Confirmations to wait for: 1 on local chains, more on public ones via GRIDMARKET_CONFIRMATIONS. */
export function confirmations(): number {
  const value = Number(process.env.GRIDMARKET_CONFIRMATIONS ?? "1");
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * Sends `action`, prints `label` and the hash, waits for the receipt and returns it.
 * A refusal (at gas estimation or on-chain) becomes a {@link CliError} naming the custom error, decoded with the
 * interfaces of `decoders` (an error raised by a contract called along the way is decoded too).
 */
export async function send(
  label: string,
  action: () => Promise<ContractTransactionResponse>,
  decoders: HasInterface[],
): Promise<ContractTransactionReceipt> {
  let tx: ContractTransactionResponse;
  try {
    tx = await action();
  } catch (error) {
    throw new CliError(`${label}: refused: ${explainError(error, decoders)}`);
  }
  say(`  ${label}: sent ${tx.hash}`);
  let receipt: ContractTransactionReceipt | null;
  try {
    receipt = await tx.wait(confirmations());
  } catch (error) {
    throw new CliError(`${label}: transaction ${tx.hash} failed: ${explainError(error, decoders)}`);
  }
  if (receipt === null || receipt.status !== 1) throw new CliError(`${label}: transaction ${tx.hash} reverted`);
  say(`  ${label}: mined in block ${receipt.blockNumber} (gas ${receipt.gasUsed})`);
  return receipt;
}

/** A readable reason for a failed call: the decoded custom error when possible. */
export function explainError(error: unknown, decoders: HasInterface[]): string {
  const data = findRevertData(error);
  if (data !== undefined && data !== "0x") {
    for (const { interface: iface } of decoders) {
      try {
        const parsed = iface.parseError(data);
        if (parsed !== null) {
          const args = parsed.fragment.inputs.map((input, i) => `${input.name || `arg${i}`}=${String(parsed.args[i])}`);
          return `${parsed.name}(${args.join(", ")})`;
        }
      } catch {
        // Not this contract's error; try the next.
      }
    }
    return `reverted with unknown data ${data}`;
  }
  const e = error as { shortMessage?: string; message?: string };
  return e.shortMessage ?? e.message ?? String(error);
}

/** Finds revert data anywhere in an ethers / Hardhat error object. */
function findRevertData(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 5) return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.data === "string" && record.data.startsWith("0x")) return record.data;
  for (const key of ["error", "info", "cause", "data"]) {
    const found = findRevertData(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The events named `name` that `contract` emitted in `receipt`, decoded. */
export function eventsOf(
  receipt: ContractTransactionReceipt,
  contract: HasInterface & { target: unknown },
  name: string,
): { args: Record<string, unknown> & unknown[]; log: Log }[] {
  const address = String(contract.target).toLowerCase();
  const out: { args: Record<string, unknown> & unknown[]; log: Log }[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    try {
      const parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed?.name === name) out.push({ args: parsed.args as unknown as Record<string, unknown> & unknown[], log });
    } catch {
      // Another event of the same contract.
    }
  }
  return out;
}
