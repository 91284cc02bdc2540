// Sending a transaction the operator can follow: print the hash, wait for the receipt, and turn a revert into the
// contract's custom error with its arguments.
import type {
  ContractTransactionReceipt,
  ContractTransactionResponse,
  Interface,
  Log,
  TransactionReceipt,
  TransactionRequest,
} from "ethers";

import { CliError } from "./errors";
import { say } from "./output";
import type { TxSender } from "./sender";

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

/** A transaction the chain refused, with its custom error decoded when a contract raised one. */
export class RefusedError extends CliError {
  constructor(
    message: string,
    readonly revert: DecodedRevert | undefined,
  ) {
    super(message);
    Object.setPrototypeOf(this, RefusedError.prototype); // Hardhat's errors reset the prototype chain
  }
}

/**
 * Like {@link send}, through a {@link TxSender} (confirmed-count nonce, fee bumping of stuck transactions). A
 * refusal, at estimation or mined, becomes a {@link RefusedError} that carries the decoded custom error.
 */
export async function sendWith(
  sender: TxSender,
  label: string,
  build: () => Promise<TransactionRequest>,
  decoders: HasInterface[],
): Promise<TransactionReceipt> {
  try {
    const { receipt, hashes } = await sender.send(build);
    const replaced = hashes.length > 1 ? ` after ${hashes.length - 1} replacement(s)` : "";
    say(`  ${label}: ${receipt.hash} mined in block ${receipt.blockNumber}${replaced} (gas ${receipt.gasUsed})`);
    return receipt;
  } catch (error) {
    throw new RefusedError(`${label}: refused: ${explainError(error, decoders)}`, decodeRevert(error, decoders));
  }
}

/** A custom error decoded by name through a contract interface. */
export interface DecodedRevert {
  name: string;
  args: unknown[];
  /** `Name(arg=value, ...)`. */
  text: string;
}

/** The custom error in `error`'s revert data, decoded with the first of `decoders` that knows it. */
export function decodeRevert(error: unknown, decoders: HasInterface[]): DecodedRevert | undefined {
  const data = findRevertData(error);
  if (data === undefined || data === "0x") return undefined;
  for (const { interface: iface } of decoders) {
    try {
      const parsed = iface.parseError(data);
      if (parsed !== null) {
        const args = parsed.fragment.inputs.map((input, i) => `${input.name || `arg${i}`}=${String(parsed.args[i])}`);
        return { name: parsed.name, args: [...parsed.args], text: `${parsed.name}(${args.join(", ")})` };
      }
    } catch {
      // Not this contract's error; try the next.
    }
  }
  return undefined;
}

/** A readable reason for a failed call: the decoded custom error when possible. */
export function explainError(error: unknown, decoders: HasInterface[]): string {
  const decoded = decodeRevert(error, decoders);
  if (decoded !== undefined) return decoded.text;
  const data = findRevertData(error);
  if (data !== undefined && data !== "0x") return `reverted with unknown data ${data}`;
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

/** A raw log, as receipts (ethers or JSON-RPC) carry it. */
export interface RawLog {
  address: string;
  topics: readonly string[];
  data: string;
}

/** The events of `contract` among `logs` (by address), decoded; `names` keeps only those events. */
export function parseEvents<L extends RawLog>(
  logs: readonly L[],
  contract: HasInterface & { target: unknown },
  ...names: string[]
): { name: string; args: Record<string, unknown> & unknown[]; log: L }[] {
  const address = String(contract.target).toLowerCase();
  const out: { name: string; args: Record<string, unknown> & unknown[]; log: L }[] = [];
  for (const log of logs) {
    if (log.address.toLowerCase() !== address) continue;
    try {
      const parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed !== null && (names.length === 0 || names.includes(parsed.name))) {
        out.push({ name: parsed.name, args: parsed.args as unknown as Record<string, unknown> & unknown[], log });
      }
    } catch {
      // An event of another ABI at the same address.
    }
  }
  return out;
}

/** The events named `name` that `contract` emitted in `receipt`, decoded. */
export function eventsOf(
  receipt: ContractTransactionReceipt,
  contract: HasInterface & { target: unknown },
  name: string,
): { args: Record<string, unknown> & unknown[]; log: Log }[] {
  return parseEvents(receipt.logs, contract, name);
}
