import type { EIP1193Provider } from "hardhat/types";

/** A transaction to send from an unlocked (impersonated) account. */
export interface TxRequest {
  from: string;
  to: string;
  data: string;
  gas?: number;
  value?: bigint;
}

/** What the benchmark keeps of a mined transaction. */
export interface Mined {
  hash: string;
  gasUsed: number;
  blockNumber: number;
  logs: { address: string; topics: string[]; data: string }[];
}

interface RawReceipt {
  transactionHash: string;
  gasUsed: string;
  blockNumber: string;
  status: string;
  logs: { address: string; topics: string[]; data: string }[];
}

const DEFAULT_GAS = 1_000_000;
const MAX_FEE = "0x174876e800"; // 100 gwei: far above any base fee the benchmark's blocks reach
const ONE_MILLION_ETH = "0xd3c21bcecceda1000000";

/**
 * Drives the in-process Hardhat network over JSON-RPC with the least overhead: transactions are sent by
 * impersonated externally owned accounts (`eth_sendTransaction` with `from`), with explicit gas limits so no
 * estimate runs, and mined in blocks on demand (automine off). Gas figures are the receipts' `gasUsed`, exactly
 * what the same transactions signed by the accounts' keys would use.
 */
export class Chain {
  private readonly unlocked = new Set<string>();
  /** Timestamp of the last block the benchmark mined: every block gets an explicit, reproducible time. */
  private time = 0;

  constructor(private readonly provider: EIP1193Provider) {}

  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    return (await this.provider.request({ method, params })) as T;
  }

  /**
   * Automine off and a block gas limit that fits several hundred orders. From here on every block is mined by
   * the benchmark at a timestamp of its own clock (one second per block, plus explicit jumps), so a run does
   * not depend on the wall clock and its figures reproduce exactly.
   */
  async configure(blockGasLimit: number): Promise<void> {
    await this.rpc("evm_setAutomine", [false]);
    await this.rpc("evm_setBlockGasLimit", [hex(blockGasLimit)]);
    this.time = await this.latestTimestamp();
  }

  /** The timestamp of the last mined block. */
  now(): number {
    return this.time;
  }

  /** The next block is mined at `timestamp` (later than the last block). */
  jumpTo(timestamp: number): void {
    if (timestamp <= this.time) throw new Error(`cannot go back in time: ${timestamp} <= ${this.time}`);
    this.time = timestamp - 1;
  }

  /** Mines one block at the next second of the benchmark's clock. */
  async mine(): Promise<void> {
    this.time += 1;
    await this.rpc("evm_mine", [hex(this.time)]);
  }

  /** Makes `accounts` sendable and funds them with native currency for fees. */
  async unlock(accounts: string[]): Promise<void> {
    for (const account of accounts) {
      const key = account.toLowerCase();
      if (this.unlocked.has(key)) continue;
      await this.rpc("hardhat_impersonateAccount", [account]);
      await this.rpc("hardhat_setBalance", [account, ONE_MILLION_ETH]);
      this.unlocked.add(key);
    }
  }

  /** Queues a transaction in the mempool and returns its hash (nothing is mined). */
  async send(tx: TxRequest): Promise<string> {
    return this.rpc<string>("eth_sendTransaction", [
      {
        from: tx.from,
        to: tx.to,
        data: tx.data,
        gas: hex(tx.gas ?? DEFAULT_GAS),
        maxFeePerGas: MAX_FEE,
        maxPriorityFeePerGas: "0x1",
        value: hex(tx.value ?? 0n),
      },
    ]);
  }

  /** Mines until every queued transaction is in a block; checks that none reverted. */
  async mineAll(hashes: string[]): Promise<Mined[]> {
    if (hashes.length === 0) return [];
    for (let guard = 0; ; ++guard) {
      await this.mine();
      const pending = await this.rpc<{ transactions: string[] }>("eth_getBlockByNumber", ["pending", false]);
      if (pending.transactions.length === 0) break;
      if (guard > 10_000) throw new Error("mempool does not drain");
    }
    const mined: Mined[] = [];
    for (const hash of hashes) mined.push(await this.receipt(hash));
    return mined;
  }

  /** Sends one transaction, mines it alone in a block and returns its receipt. */
  async exec(tx: TxRequest): Promise<Mined> {
    const hash = await this.send(tx);
    const [mined] = await this.mineAll([hash]);
    return mined;
  }

  /** Sends many transactions, mining them in as few blocks as the block gas limit allows. */
  async execMany(txs: TxRequest[]): Promise<Mined[]> {
    const hashes: string[] = [];
    for (const tx of txs) hashes.push(await this.send(tx));
    return this.mineAll(hashes);
  }

  async receipt(hash: string): Promise<Mined> {
    const r = await this.rpc<RawReceipt | null>("eth_getTransactionReceipt", [hash]);
    if (r === null) throw new Error(`transaction ${hash} was not mined`);
    if (r.status !== "0x1") {
      throw new Error(`transaction ${hash} reverted: ${JSON.stringify(await this.traceError(hash))}`);
    }
    return {
      hash,
      gasUsed: Number(BigInt(r.gasUsed)),
      blockNumber: Number(BigInt(r.blockNumber)),
      logs: r.logs,
    };
  }

  async latestTimestamp(): Promise<number> {
    const block = await this.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    return Number(BigInt(block.timestamp));
  }

  async call(to: string, data: string, from?: string): Promise<string> {
    return this.rpc<string>("eth_call", [{ to, data, from }, "latest"]);
  }

  async code(address: string): Promise<string> {
    return this.rpc<string>("eth_getCode", [address, "latest"]);
  }

  private async traceError(hash: string): Promise<unknown> {
    try {
      const trace = await this.rpc<{ returnValue: string; failed: boolean }>("debug_traceTransaction", [
        hash,
        { disableStorage: true, disableMemory: true, disableStack: true },
      ]);
      return { returnValue: trace.returnValue };
    } catch (error) {
      return String(error);
    }
  }
}

export function hex(value: number | bigint): string {
  return "0x" + value.toString(16);
}
