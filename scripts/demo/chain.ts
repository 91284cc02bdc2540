// Fast transaction plumbing for the demo on a Hardhat network (in-process or `npx hardhat node`): accounts are
// impersonated, calldata is encoded once with the TypeChain interfaces and sent with a bare
// `eth_sendTransaction` and an explicit gas limit (no estimate, no signing, no polling). This is what lets a
// campus day of ~4,000 transactions run in well under two minutes.

import type { EIP1193Provider } from "hardhat/types";
import { Interface, Log, LogDescription } from "ethers";

export interface RawReceipt {
  transactionHash: string;
  status: string;
  gasUsed: string;
  blockNumber: string;
  from: string;
  to: string;
  logs: {
    address: string;
    topics: string[];
    data: string;
    logIndex: string;
    blockNumber: string;
    transactionHash: string;
  }[];
}

export interface PendingTx {
  hash: string;
  label: string;
}

export class ChainDriver {
  constructor(private readonly provider: EIP1193Provider) {}

  request<T>(method: string, params: unknown[] = []): Promise<T> {
    return this.provider.request({ method, params }) as Promise<T>;
  }

  async latestTimestamp(): Promise<number> {
    const block = await this.request<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    return Number(block.timestamp);
  }

  async blockNumber(): Promise<number> {
    return Number(await this.request<string>("eth_blockNumber"));
  }

  async blockGasLimit(): Promise<bigint> {
    const block = await this.request<{ gasLimit: string }>("eth_getBlockByNumber", ["latest", false]);
    return BigInt(block.gasLimit);
  }

  /** Makes the next block's timestamp `t` (when it is later than the latest block). */
  async setNextTimestamp(t: number): Promise<void> {
    if ((await this.latestTimestamp()) < t) await this.request("evm_setNextBlockTimestamp", [t]);
  }

  async setAutomine(on: boolean): Promise<void> {
    await this.request("evm_setAutomine", [on]);
  }

  async impersonate(address: string, balanceWei: bigint): Promise<void> {
    await this.request("hardhat_impersonateAccount", [address]);
    await this.request("hardhat_setBalance", [address, "0x" + balanceWei.toString(16)]);
  }

  /** Queues a transaction (automine must be off). */
  async send(from: string, to: string, data: string, gas: bigint, label: string): Promise<PendingTx> {
    const hash = await this.request<string>("eth_sendTransaction", [{ from, to, data, gas: "0x" + gas.toString(16) }]);
    return { hash, label };
  }

  /**
   * Mines until every queued transaction is in a block (the block gas limit may need several blocks) and
   * returns the receipts in order. A failed transaction throws, naming it.
   */
  async mine(pending: PendingTx[]): Promise<RawReceipt[]> {
    const receipts = new Map<string, RawReceipt>();
    for (let rounds = 0; receipts.size < pending.length; rounds++) {
      if (rounds > 1000) throw new Error("transactions stay pending");
      await this.request("evm_mine");
      for (const tx of pending) {
        if (receipts.has(tx.hash)) continue;
        const r = await this.request<RawReceipt | null>("eth_getTransactionReceipt", [tx.hash]);
        if (r !== null) receipts.set(tx.hash, r);
      }
    }
    const out = pending.map((tx) => receipts.get(tx.hash)!);
    const failed = out.findIndex((r) => r.status !== "0x1");
    if (failed >= 0) throw new Error(`transaction failed: ${pending[failed].label} (${pending[failed].hash})`);
    return out;
  }

  /**
   * Sends `txs` one after the other and returns their receipts. With automine on (the default) each is mined
   * at once: on Hardhat's in-process network that is several times faster than queueing them with automine
   * off, whose mempool re-validates every pending transaction. `queued` mines them together instead.
   */
  async batch(
    txs: { from: string; to: string; data: string; gas: bigint; label: string }[],
    queued = false,
  ): Promise<RawReceipt[]> {
    if (txs.length === 0) return [];
    if (!queued) {
      const out: RawReceipt[] = [];
      for (const t of txs) {
        const tx = await this.send(t.from, t.to, t.data, t.gas, t.label);
        const r = await this.request<RawReceipt | null>("eth_getTransactionReceipt", [tx.hash]);
        if (r === null) throw new Error(`no receipt for ${t.label}: is automine off?`);
        if (r.status !== "0x1") throw new Error(`transaction failed: ${t.label} (${tx.hash})`);
        out.push(r);
      }
      return out;
    }
    await this.setAutomine(false);
    try {
      const pending: PendingTx[] = [];
      for (const t of txs) pending.push(await this.send(t.from, t.to, t.data, t.gas, t.label));
      return await this.mine(pending);
    } finally {
      await this.setAutomine(true);
    }
  }
}

/** Parses the logs of `receipts` emitted by `address` with `iface`. */
export function parseLogs(iface: Interface, address: string, receipts: RawReceipt[]): LogDescription[] {
  const out: LogDescription[] = [];
  const a = address.toLowerCase();
  for (const r of receipts) {
    for (const log of r.logs) {
      if (log.address.toLowerCase() !== a) continue;
      const parsed = iface.parseLog(log as unknown as Log);
      if (parsed !== null) out.push(parsed);
    }
  }
  return out;
}
