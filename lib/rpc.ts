// A fast driver for a Hardhat network (in-process or `npx hardhat node`) over bare JSON-RPC: accounts are
// impersonated, calldata comes encoded (TypeChain interfaces), transactions go out as `eth_sendTransaction` with
// an explicit gas limit (no estimate, no signing, no polling). The demo runs a campus day of ~4,000 transactions
// with it and the benchmark mines its blocks on a clock of its own, so that its gas figures reproduce exactly.
import type { EIP1193Provider } from "hardhat/types";

import type { RawLog } from "./tx";

/** A transaction to send from an unlocked (impersonated) account. */
export interface TxRequest {
  from: string;
  to: string;
  data: string;
  /** Gas limit (default 1,000,000). */
  gas?: number | bigint;
  value?: bigint;
  /** Names the transaction in errors. */
  label?: string;
}

/** A receipt as JSON-RPC returns it. */
export interface RawReceipt {
  transactionHash: string;
  status: string;
  gasUsed: string;
  blockNumber: string;
  from: string;
  to: string;
  logs: (RawLog & { logIndex: string; blockNumber: string; transactionHash: string })[];
}

/** What callers keep of a mined transaction. */
export interface Mined {
  hash: string;
  gasUsed: number;
  blockNumber: number;
  logs: RawLog[];
}

export interface RpcDriverOptions {
  /**
   * Send every transaction with a fixed 100 gwei fee cap and a 1 wei tip (and an explicit value), so that
   * calldata and fees are identical on every run (the benchmark). Otherwise the node picks the fees (the demo).
   */
  pinFees?: boolean;
}

const DEFAULT_GAS = 1_000_000;
const MAX_FEE = "0x174876e800"; // 100 gwei: far above any base fee the benchmark's blocks reach
const ONE_MILLION_ETH = "0xd3c21bcecceda1000000";

export class RpcDriver {
  private readonly unlocked = new Set<string>();
  /** Timestamp of the last block mined on the driver's clock (see {@link configure}). */
  private time = 0;

  constructor(
    private readonly provider: EIP1193Provider,
    private readonly options: RpcDriverOptions = {},
  ) {}

  request<T>(method: string, params: unknown[] = []): Promise<T> {
    return this.provider.request({ method, params }) as Promise<T>;
  }

  // ─────────────────────────────────────── CHAIN STATE ───────────────────────────────────────

  async latestTimestamp(): Promise<number> {
    const block = await this.request<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    return Number(BigInt(block.timestamp));
  }

  async blockNumber(): Promise<number> {
    return Number(await this.request<string>("eth_blockNumber"));
  }

  async call(to: string, data: string, from?: string): Promise<string> {
    return this.request<string>("eth_call", [{ to, data, from }, "latest"]);
  }

  async code(address: string): Promise<string> {
    return this.request<string>("eth_getCode", [address, "latest"]);
  }

  // ──────────────────────────────────────── ACCOUNTS ─────────────────────────────────────────

  /** Makes `address` sendable with `balanceWei` of native currency. */
  async impersonate(address: string, balanceWei: bigint): Promise<void> {
    await this.request("hardhat_impersonateAccount", [address]);
    await this.request("hardhat_setBalance", [address, hex(balanceWei)]);
  }

  /** Makes `accounts` sendable (once each) and funds them with a million of the native currency for fees. */
  async unlock(accounts: string[]): Promise<void> {
    for (const account of accounts) {
      const key = account.toLowerCase();
      if (this.unlocked.has(key)) continue;
      await this.request("hardhat_impersonateAccount", [account]);
      await this.request("hardhat_setBalance", [account, ONE_MILLION_ETH]);
      this.unlocked.add(key);
    }
  }

  // ───────────────────────────────────────── BLOCKS ──────────────────────────────────────────

  async setAutomine(on: boolean): Promise<void> {
    await this.request("evm_setAutomine", [on]);
  }

  /** Makes the next block's timestamp `t` (when it is later than the latest block). */
  async setNextTimestamp(t: number): Promise<void> {
    if ((await this.latestTimestamp()) < t) await this.request("evm_setNextBlockTimestamp", [t]);
  }

  /**
   * Automine off and a block gas limit that fits several hundred orders. From here on every block is mined at a
   * timestamp of the driver's clock (one second per block, plus explicit jumps), so a run does not depend on the
   * wall clock and its figures reproduce exactly.
   */
  async configure(blockGasLimit: number): Promise<void> {
    await this.setAutomine(false);
    await this.request("evm_setBlockGasLimit", [hex(blockGasLimit)]);
    this.time = await this.latestTimestamp();
  }

  /** The timestamp of the last block mined on the driver's clock. */
  now(): number {
    return this.time;
  }

  /** The next block is mined at `timestamp` (later than the last block). */
  jumpTo(timestamp: number): void {
    if (timestamp <= this.time) throw new Error(`cannot go back in time: ${timestamp} <= ${this.time}`);
    this.time = timestamp - 1;
  }

  /** Mines one block at the next second of the driver's clock. */
  async mineNext(): Promise<void> {
    this.time += 1;
    await this.request("evm_mine", [hex(this.time)]);
  }

  // ──────────────────────────────────────── SENDING ──────────────────────────────────────────

  /** Queues (automine off) or mines (automine on) a transaction and returns its hash. */
  async send(tx: TxRequest): Promise<string> {
    const base = { from: tx.from, to: tx.to, data: tx.data, gas: hex(tx.gas ?? DEFAULT_GAS) };
    const params = this.options.pinFees
      ? { ...base, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: "0x1", value: hex(tx.value ?? 0n) }
      : tx.value === undefined
        ? base
        : { ...base, value: hex(tx.value) };
    return this.request<string>("eth_sendTransaction", [params]);
  }

  /** Mines blocks on the driver's clock until the mempool is empty; returns the receipts of `hashes`. */
  async mineAll(hashes: string[]): Promise<Mined[]> {
    if (hashes.length === 0) return [];
    for (let guard = 0; ; ++guard) {
      await this.mineNext();
      const pending = await this.request<{ transactions: string[] }>("eth_getBlockByNumber", ["pending", false]);
      if (pending.transactions.length === 0) break;
      if (guard > 10_000) throw new Error("mempool does not drain");
    }
    const mined: Mined[] = [];
    for (const hash of hashes) mined.push(await this.receipt(hash));
    return mined;
  }

  /** Sends one transaction, mines it alone in a block on the driver's clock and returns its receipt. */
  async exec(tx: TxRequest): Promise<Mined> {
    const [mined] = await this.mineAll([await this.send(tx)]);
    return mined;
  }

  /** Sends many transactions, mining them on the driver's clock in as few blocks as the gas limit allows. */
  async execMany(txs: TxRequest[]): Promise<Mined[]> {
    const hashes: string[] = [];
    for (const tx of txs) hashes.push(await this.send(tx));
    return this.mineAll(hashes);
  }

  /** The receipt of a mined, successful transaction (a revert throws, with the revert data). */
  async receipt(hash: string): Promise<Mined> {
    const r = await this.request<RawReceipt | null>("eth_getTransactionReceipt", [hash]);
    if (r === null) throw new Error(`transaction ${hash} was not mined`);
    if (r.status !== "0x1") {
      throw new Error(`transaction ${hash} reverted: ${JSON.stringify(await this.traceError(hash))}`);
    }
    return { hash, gasUsed: Number(BigInt(r.gasUsed)), blockNumber: Number(BigInt(r.blockNumber)), logs: r.logs };
  }

  /**
   * Sends `txs` one after the other and returns their receipts. With automine on (the default) each is mined
   * at once: on Hardhat's in-process network that is several times faster than queueing them with automine
   * off, whose mempool re-validates every pending transaction. `queued` mines them together instead.
   */
  async batch(txs: TxRequest[], queued = false): Promise<RawReceipt[]> {
    if (txs.length === 0) return [];
    const label = (t: TxRequest, hash: string) => `${t.label ?? "transaction"} (${hash})`;
    if (!queued) {
      const out: RawReceipt[] = [];
      for (const t of txs) {
        const hash = await this.send(t);
        const r = await this.request<RawReceipt | null>("eth_getTransactionReceipt", [hash]);
        if (r === null) throw new Error(`no receipt for ${t.label ?? hash}: is automine off?`);
        if (r.status !== "0x1") throw new Error(`transaction failed: ${label(t, hash)}`);
        out.push(r);
      }
      return out;
    }
    await this.setAutomine(false);
    try {
      const hashes: string[] = [];
      for (const t of txs) hashes.push(await this.send(t));
      const receipts = new Map<string, RawReceipt>();
      for (let rounds = 0; receipts.size < hashes.length; rounds++) {
        if (rounds > 1000) throw new Error("transactions stay pending");
        await this.request("evm_mine");
        for (const hash of hashes) {
          if (receipts.has(hash)) continue;
          const r = await this.request<RawReceipt | null>("eth_getTransactionReceipt", [hash]);
          if (r !== null) receipts.set(hash, r);
        }
      }
      const out = hashes.map((hash) => receipts.get(hash)!);
      const failed = out.findIndex((r) => r.status !== "0x1");
      if (failed >= 0) throw new Error(`transaction failed: ${label(txs[failed], hashes[failed])}`);
      return out;
    } finally {
      await this.setAutomine(true);
    }
  }

  private async traceError(hash: string): Promise<unknown> {
    try {
      const trace = await this.request<{ returnValue: string; failed: boolean }>("debug_traceTransaction", [
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
