// Sending a service's transactions on a real chain: the nonce is the account's confirmed transaction count, so a
// transaction a crashed run left pending (or one stuck below the base fee) is replaced instead of queueing every
// later one behind it; a transaction with no receipt after `stuckAfterMs` is sent again with the same nonce and
// higher fees (fee bumping); a revert mined on-chain is replayed as a call at its block, so that its custom
// error can be decoded.
import type { Provider, Signer, TransactionReceipt, TransactionRequest } from "ethers";

/** EIP-1559 fees of one attempt. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface SenderOptions {
  /** Milliseconds without a receipt after which the transaction is replaced with higher fees. */
  stuckAfterMs: number;
  /** Fee increase per replacement, in percent (nodes accept a replacement from +10 %). Default 25. */
  bumpPercent?: number;
  /** Replacements at most before giving up. Default 8. */
  maxReplacements?: number;
  /** Priority fee (default 1 gwei). */
  tip?: bigint;
  /** The first attempt's fees from the latest base fee (default: twice the base fee plus the tip). */
  initialFees?: (baseFee: bigint, tip: bigint) => Fees;
  /** Milliseconds between receipt polls (default 250). */
  pollMs?: number;
  log?: (line: string) => void;
}

/** A mined transaction and how it got there. */
export interface SentTx {
  receipt: TransactionReceipt;
  nonce: number;
  /** Every hash sent for this nonce, the mined one included. */
  hashes: string[];
  /** Replacements sent after a stuck or underpriced attempt. */
  replacements: number;
}

/** A transaction mined with status 0; `cause` is the error of the same call replayed at its block. */
export class TxRevertedError extends Error {
  constructor(
    readonly receipt: TransactionReceipt,
    readonly cause: unknown,
  ) {
    super(`transaction ${receipt.hash} reverted in block ${receipt.blockNumber}`);
  }
}

const GWEI = 1_000_000_000n;

/** The text of a node's error, wherever ethers put it. */
function errorText(error: unknown): string {
  const e = error as { message?: string; shortMessage?: string; info?: { error?: { message?: string } } };
  return [e.message, e.shortMessage, e.info?.error?.message].filter(Boolean).join(" | ");
}

/** The node refused a replacement whose fees are not high enough over the pending transaction's. */
export function isUnderpriced(error: unknown): boolean {
  return (error as { code?: string }).code === "REPLACEMENT_UNDERPRICED" || /underpriced/i.test(errorText(error));
}

/** The nonce was used meanwhile (by one of our attempts or by another transaction). */
export function isNonceTooLow(error: unknown): boolean {
  return (
    (error as { code?: string }).code === "NONCE_EXPIRED" ||
    /nonce too low|nonce has already been used/i.test(errorText(error))
  );
}

/** Fees raised by `percent`, and at least what the current base fee needs. */
export function bumpFees(fees: Fees, percent: number, baseFee: bigint, tip: bigint): Fees {
  const up = (x: bigint) => (x * BigInt(100 + percent) + 99n) / 100n;
  const maxPriorityFeePerGas = up(fees.maxPriorityFeePerGas) > tip ? up(fees.maxPriorityFeePerGas) : tip;
  const floor = 2n * baseFee + maxPriorityFeePerGas;
  const raised = up(fees.maxFeePerGas);
  return { maxFeePerGas: raised > floor ? raised : floor, maxPriorityFeePerGas };
}

export class TxSender {
  private readonly provider: Provider;
  private readonly bump: number;
  private readonly tip: bigint;

  constructor(
    private readonly signer: Signer,
    private readonly options: SenderOptions,
  ) {
    if (signer.provider === null) throw new Error("the sender's signer needs a provider");
    this.provider = signer.provider;
    this.bump = options.bumpPercent ?? 25;
    this.tip = options.tip ?? GWEI;
  }

  /**
   * Sends what `build` returns (called again when the nonce was taken by another transaction, since the chain
   * moved on) and waits until one attempt is mined. Gas comes from `eth_estimateGas` unless `build` sets it;
   * a refused estimate throws the node's error, with the revert data.
   */
  async send(build: () => Promise<TransactionRequest>): Promise<SentTx> {
    const from = await this.signer.getAddress();
    const log = this.options.log ?? (() => undefined);
    const maxReplacements = this.options.maxReplacements ?? 8;
    let request = await this.prepare(build);
    let nonce = await this.provider.getTransactionCount(from, "latest");
    let fees = await this.initialFees();
    const hashes: string[] = [];
    let replacements = 0;
    for (;;) {
      if (replacements > maxReplacements) {
        throw new Error(
          `nonce ${nonce}: no attempt mined after ${maxReplacements} replacements (${hashes.join(", ")})`,
        );
      }
      try {
        const tx = await this.signer.sendTransaction({ ...request, from, nonce, type: 2, ...fees });
        hashes.push(tx.hash);
      } catch (error) {
        if (isUnderpriced(error)) {
          // A pending transaction of ours (an earlier run's) holds this nonce with higher fees: outbid it.
          fees = bumpFees(fees, this.bump, await this.baseFee(), this.tip);
          replacements++;
          log(`nonce ${nonce}: replacement underpriced; raising the fee cap to ${fees.maxFeePerGas}`);
          continue;
        }
        if (!isNonceTooLow(error)) throw error;
        const mined = await this.minedOf(hashes);
        if (mined !== undefined) return this.done(mined, request, nonce, hashes, replacements);
        log(`nonce ${nonce} was used by another transaction; building again`);
        request = await this.prepare(build);
        nonce = await this.provider.getTransactionCount(from, "latest");
        continue;
      }
      const receipt = await this.waitForAny(hashes, this.options.stuckAfterMs);
      if (receipt !== undefined) return this.done(receipt, request, nonce, hashes, replacements);
      if ((await this.provider.getTransactionCount(from, "latest")) > nonce) {
        const mined = await this.minedOf(hashes);
        if (mined !== undefined) return this.done(mined, request, nonce, hashes, replacements);
        request = await this.prepare(build);
        nonce = await this.provider.getTransactionCount(from, "latest");
        continue;
      }
      fees = bumpFees(fees, this.bump, await this.baseFee(), this.tip);
      replacements++;
      log(
        `nonce ${nonce}: ${hashes[hashes.length - 1]} not mined after ${this.options.stuckAfterMs} ms; ` +
          `replacing it with a fee cap of ${fees.maxFeePerGas}`,
      );
    }
  }

  private async prepare(build: () => Promise<TransactionRequest>): Promise<TransactionRequest> {
    const request = await build();
    if (request.gasLimit !== undefined && request.gasLimit !== null) return request;
    return { ...request, gasLimit: await this.signer.estimateGas(request) };
  }

  private async baseFee(): Promise<bigint> {
    const block = await this.provider.getBlock("latest");
    return block?.baseFeePerGas ?? 0n;
  }

  private async initialFees(): Promise<Fees> {
    const base = await this.baseFee();
    return (
      this.options.initialFees?.(base, this.tip) ?? {
        maxFeePerGas: 2n * base + this.tip,
        maxPriorityFeePerGas: this.tip,
      }
    );
  }

  private async minedOf(hashes: string[]): Promise<TransactionReceipt | undefined> {
    for (const hash of hashes) {
      const receipt = await this.provider.getTransactionReceipt(hash);
      if (receipt !== null) return receipt;
    }
    return undefined;
  }

  private async waitForAny(hashes: string[], timeoutMs: number): Promise<TransactionReceipt | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mined = await this.minedOf(hashes);
      if (mined !== undefined || Date.now() >= deadline) return mined;
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 250));
    }
  }

  private async done(
    receipt: TransactionReceipt,
    request: TransactionRequest,
    nonce: number,
    hashes: string[],
    replacements: number,
  ): Promise<SentTx> {
    if (receipt.status !== 1) {
      let cause: unknown = undefined;
      try {
        await this.provider.call({ ...request, from: receipt.from, blockTag: receipt.blockNumber });
      } catch (error) {
        cause = error;
      }
      throw new TxRevertedError(receipt, cause);
    }
    return { receipt, nonce, hashes, replacements };
  }
}
