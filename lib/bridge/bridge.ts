// The AMI bridge: an oracle operator's service that reads the campus head-end and brings its meter readings
// on-chain. Each round it
//   1. fetches the scheduled 15-minute readings newer than what it last submitted per meter and sends them
//      in batches through `submitReadings` (or `submitSignedReadings` for meters whose keys it holds);
//   2. answers `EnergyDataRequested` events with an on-demand read through `fulfillEnergyData`.
// A reading is never submitted twice: the last submitted `readAt` per meter is kept in a state file written
// atomically after every mined transaction, and on start (and after any failed send) the bridge also reads
// each meter's `lastReadAt` from the OracleClient, so a crash between a mined transaction and the state write
// cannot make it resend.

import { Log, Signer, TransactionRequest, TypedDataDomain, Wallet, ZeroAddress } from "ethers";

import type { IOracleClient, OracleClient, Registry } from "../../typechain-types";
import { AmiClient, MeterInfo, MeterReadingRecord } from "./ami-client";
import { DEFAULT_RETRY, PermanentError, RetryOptions, withRetry } from "./retry";
import { domainOf, signReading } from "../eip712";
import { REJECT_REASONS, RequestStatus } from "../enums";
import { readingOutcomes } from "../readings";
import { scanEvents } from "../events";
import { TxSender } from "../sender";
import { decodeRevert } from "../tx";
import { BridgeState, emptyState, loadState, saveState } from "./state";

export interface BridgeOptions {
  oracle: OracleClient;
  registry: Registry;
  /** The operator account that sends the transactions. */
  signer: Signer;
  ami: AmiClient;
  /** Where the state lives (JSON). */
  statePath: string;
  /** Readings per transaction (capped by the oracle's `MAX_BATCH_LENGTH`). */
  batchSize?: number;
  /** Meter keys by serial: their readings are signed and relayed with `submitSignedReadings`. */
  meterKeys?: Map<string, Wallet>;
  /** At most this many catch-up readings per meter per round (older ones are skipped: registers are cumulative). */
  maxReadingsPerMeter?: number;
  /** First block to scan for data requests when there is no state yet (default: the latest block). */
  fromBlock?: number;
  /**
   * Gas limit of a transaction carrying `readings` readings. Default: the node's estimate. A formula saves
   * the estimate's extra executions on a local node (the demo uses one).
   */
  gasLimit?: (readings: number) => bigint;
  retry?: RetryOptions;
  /** How transactions are sent (default: fee bumping after 60 s without a receipt). */
  sender?: TxSender;
  log?: (message: string) => void;
}

export interface SubmittedReading {
  meterId: string;
  readAt: number;
  accepted: boolean;
  reason?: (typeof REJECT_REASONS)[number];
  minted: bigint;
  burned: bigint;
}

export interface RoundReport {
  /** Readings sent (scheduled ones and request fulfilments). */
  readings: SubmittedReading[];
  transactions: number;
  gasUsed: bigint;
  requestsAnswered: number;
  /** Requests dropped because they expired or were answered by someone else. */
  requestsDropped: number;
}

type Reading = IOracleClient.MeterReadingStruct;

function toReading(r: MeterReadingRecord): Reading {
  return { meterId: r.meterId, exportWh: r.exportWh, importWh: r.importWh, readAt: r.readAt };
}

export class AmiBridge {
  private readonly oracle: OracleClient;
  private readonly registry: Registry;
  private readonly signer: Signer;
  private readonly ami: AmiClient;
  private readonly statePath: string;
  private readonly retry: RetryOptions;
  private readonly log: (message: string) => void;
  private readonly meterKeys: Map<string, Wallet>;
  private readonly maxReadingsPerMeter: number;
  private readonly sender: TxSender;
  private state!: BridgeState;
  private meters: MeterInfo[] = [];
  private readonly serialById = new Map<string, string>();
  private readonly assigned = new Set<string>();
  private batchSize = 0;
  private domain?: TypedDataDomain;
  private initialized = false;

  constructor(private readonly options: BridgeOptions) {
    this.oracle = options.oracle.connect(options.signer);
    this.registry = options.registry;
    this.signer = options.signer;
    this.ami = options.ami;
    this.statePath = options.statePath;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.log = options.log ?? (() => undefined);
    this.meterKeys = options.meterKeys ?? new Map();
    this.maxReadingsPerMeter = options.maxReadingsPerMeter ?? 96;
    this.sender = options.sender ?? new TxSender(options.signer, { stuckAfterMs: 60_000, log: this.log });
  }

  /** The last submitted `readAt` of every meter, as the state file has it. */
  get cursors(): Readonly<Record<string, number>> {
    return this.state.meters;
  }

  /** Loads the state, the head-end's meters and the oracle's view of them. Called by the first round. */
  async init(): Promise<void> {
    if (this.initialized) return;
    const provider = this.signer.provider;
    if (provider === null) throw new Error("the bridge signer needs a provider");
    const { chainId } = await provider.getNetwork();
    const oracleAddress = await this.oracle.getAddress();
    const latest = await provider.getBlockNumber();
    this.state =
      loadState(this.statePath, chainId, oracleAddress) ??
      emptyState(chainId, oracleAddress, this.options.fromBlock ?? latest);
    const max = Number(await this.oracle.MAX_BATCH_LENGTH());
    this.batchSize = Math.min(this.options.batchSize ?? 100, max);
    if (this.meterKeys.size > 0) {
      this.domain = await domainOf(this.oracle);
    }
    this.meters = await this.ami.meters();
    for (const m of this.meters) this.serialById.set(m.meterId.toLowerCase(), m.serial);
    await this.reconcile(this.meters.map((m) => m.meterId));
    this.initialized = true;
    this.log(
      `bridge ready: ${this.meters.length} meters on the head-end, ${this.assigned.size} assigned on-chain, ` +
        `batches of ${this.batchSize}, ${this.meterKeys.size} meter keys`,
    );
  }

  /** One round: scheduled readings, then data requests. */
  async step(): Promise<RoundReport> {
    const report: RoundReport = { readings: [], transactions: 0, gasUsed: 0n, requestsAnswered: 0, requestsDropped: 0 };
    await this.syncReadings(report);
    await this.answerRequests(report);
    return report;
  }

  /** Runs rounds every `intervalMs` until `signal` aborts. Errors are logged and the round is retried later. */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const r = await this.step();
        if (r.transactions > 0) {
          const rejected = r.readings.filter((x) => !x.accepted).length;
          this.log(
            `round: ${r.readings.length} readings (${rejected} rejected) in ${r.transactions} tx, ` +
              `${r.requestsAnswered} requests answered, gas ${r.gasUsed}`,
          );
        }
      } catch (e) {
        this.log(`round failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal.removeEventListener("abort", wake);
          resolve();
        }, intervalMs);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
  }

  /** Submits the head-end's scheduled readings not yet submitted. */
  async syncReadings(report: RoundReport = this.emptyReport()): Promise<RoundReport> {
    await this.init();
    await this.refreshAssignments();
    const until = Math.min(await this.ami.now(), await this.chainTime());
    const tracked = this.meters.filter((m) => this.assigned.has(m.meterId.toLowerCase()));
    const pending: MeterReadingRecord[] = [];
    const fresh = tracked.filter((m) => this.cursor(m.meterId) === 0);
    if (fresh.length > 0) {
      // A meter the oracle has never seen: its latest reading is its baseline, older history is irrelevant.
      const latest = await this.ami.latest();
      const wanted = new Set(fresh.map((m) => m.meterId.toLowerCase()));
      pending.push(...latest.filter((r) => wanted.has(r.meterId.toLowerCase()) && r.readAt <= until));
    }
    const known = tracked.filter((m) => this.cursor(m.meterId) > 0);
    if (known.length > 0) {
      const since = Math.min(...known.map((m) => this.cursor(m.meterId)));
      if (since < until) {
        const perMeter = new Map<string, MeterReadingRecord[]>();
        for (const r of await this.ami.readings(since, until)) {
          const id = r.meterId.toLowerCase();
          if (!this.assigned.has(id) || this.cursor(id) === 0 || r.readAt <= this.cursor(id)) continue;
          const list = perMeter.get(id) ?? [];
          list.push(r);
          perMeter.set(id, list);
        }
        for (const list of perMeter.values()) pending.push(...list.slice(-this.maxReadingsPerMeter));
      }
    }
    pending.sort((a, b) => a.readAt - b.readAt || (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0));
    for (let i = 0; i < pending.length; i += this.batchSize) {
      await this.submitBatch(pending.slice(i, i + this.batchSize), report);
    }
    return report;
  }

  /** Answers the data requests seen in new blocks and those still pending from earlier rounds. */
  async answerRequests(report: RoundReport = this.emptyReport()): Promise<RoundReport> {
    await this.init();
    const provider = this.signer.provider!;
    const latest = await provider.getBlockNumber();
    if (latest > this.state.lastScannedBlock) {
      // In chunks, the cursor saved after each: an endpoint that caps ranges, or an outage mid-scan, costs
      // a retry of one chunk, never the whole backlog.
      await scanEvents(
        this.oracle,
        this.oracle.filters.EnergyDataRequested(),
        this.state.lastScannedBlock + 1,
        latest,
        {
          onChunk: (events, toBlock) => {
            const seen = new Set(this.state.pendingRequests);
            for (const e of events) seen.add(String(e.args.requestId));
            this.state.pendingRequests = [...seen];
            this.state.lastScannedBlock = toBlock;
            saveState(this.statePath, this.state);
          },
        },
      );
    }
    for (const id of [...this.state.pendingRequests]) {
      const request = await this.oracle.getRequest(id);
      const now = await this.chainTime();
      if (Number(request.status) !== RequestStatus.Pending || Number(request.expiresAt) < now + 1) {
        this.dropRequest(id);
        report.requestsDropped++;
        continue;
      }
      const serial = this.serialById.get(request.meterId.toLowerCase());
      if (serial === undefined) {
        this.log(`request ${id}: meter ${request.meterId} is not on this head-end; left for another operator`);
        this.dropRequest(id);
        report.requestsDropped++;
        continue;
      }
      const reading = await this.freshReading(serial, request.meterId, now);
      if (reading === undefined) continue; // nothing newer than what the oracle has yet; try next round
      await this.send(
        `fulfil request ${id}`,
        [reading],
        () => this.oracle.fulfillEnergyData.populateTransaction(id, toReading(reading), this.overrides(1)),
        report,
      );
      this.dropRequest(id);
      report.requestsAnswered++;
    }
    return report;
  }

  // ─────────────────────────────────────────── INTERNAL ─────────────────────────────────────────

  private emptyReport(): RoundReport {
    return { readings: [], transactions: 0, gasUsed: 0n, requestsAnswered: 0, requestsDropped: 0 };
  }

  private overrides(readings: number): { gasLimit?: bigint } {
    return this.options.gasLimit === undefined ? {} : { gasLimit: this.options.gasLimit(readings) };
  }

  private cursor(meterId: string): number {
    return this.state.meters[meterId.toLowerCase()] ?? 0;
  }

  private dropRequest(id: string): void {
    this.state.pendingRequests = this.state.pendingRequests.filter((x) => x !== id);
    saveState(this.statePath, this.state);
  }

  private async chainTime(): Promise<number> {
    const block = await this.signer.provider!.getBlock("latest");
    return block!.timestamp;
  }

  /** Re-reads the on-chain `lastReadAt` of `meterIds`: the oracle is the ground truth after a crash. */
  private async reconcile(meterIds: string[]): Promise<void> {
    for (const meterId of meterIds) {
      const id = meterId.toLowerCase();
      const onChain = Number((await this.oracle.getMeterState(meterId)).lastReadAt);
      if (onChain > this.cursor(id)) {
        if (this.cursor(id) > 0)
          this.log(`meter ${this.serialById.get(id) ?? id}: the oracle is ahead of the state file`);
        this.state.meters[id] = onChain;
      }
    }
    saveState(this.statePath, this.state);
  }

  /** Reads every meter's owner again: a meter unassigned on-chain stops being submitted, a new one starts. */
  private async refreshAssignments(): Promise<void> {
    for (const m of this.meters) {
      const id = m.meterId.toLowerCase();
      const owned = (await this.registry.getMeterOwner(m.meterId)) !== ZeroAddress;
      if (owned && !this.assigned.has(id)) this.assigned.add(id);
      if (!owned && this.assigned.delete(id))
        this.log(`meter ${m.serial} was unassigned on-chain; no longer submitted`);
    }
  }

  /** An on-demand read newer than the meter's cursor and not ahead of the chain, if there is one. */
  private async freshReading(
    serial: string,
    meterId: string,
    chainNow: number,
  ): Promise<MeterReadingRecord | undefined> {
    const cursor = this.cursor(meterId);
    const onDemand = await this.ami.read(serial);
    if (onDemand.readAt > cursor && onDemand.readAt <= chainNow) return onDemand;
    // The head-end's clock runs ahead of the chain: use its latest scheduled reading the chain can accept.
    const scheduled = await this.ami.meterReadings(serial, cursor, chainNow);
    return scheduled.length > 0 ? scheduled[scheduled.length - 1] : undefined;
  }

  private async submitBatch(batch: MeterReadingRecord[], report: RoundReport): Promise<void> {
    const signed = batch.filter((r) => this.meterKeys.has(r.serial));
    const plain = batch.filter((r) => !this.meterKeys.has(r.serial));
    if (plain.length > 0) {
      await this.send(
        `submit ${plain.length} readings`,
        plain,
        (rs) => this.oracle.submitReadings.populateTransaction(rs.map(toReading), this.overrides(rs.length)),
        report,
      );
    }
    if (signed.length > 0) {
      await this.send(
        `relay ${signed.length} signed readings`,
        signed,
        async (rs) => {
          const sigs = await Promise.all(
            rs.map((r) => signReading(this.meterKeys.get(r.serial)!, this.domain!, toReading(r))),
          );
          return this.oracle.submitSignedReadings.populateTransaction(
            rs.map(toReading),
            sigs,
            this.overrides(rs.length),
          );
        },
        report,
      );
    }
  }

  /**
   * Sends one transaction carrying `readings`, with retries. Before a retry the oracle's state is read again
   * and readings it already holds are dropped, so a transaction that was mined after all is not repeated.
   * (Only a transaction that is still unmined when the retry is sent can lead to a second copy; the oracle then
   * rejects the later copy as `StaleReading`, so no energy is ever counted twice.)
   */
  private async send(
    what: string,
    readings: MeterReadingRecord[],
    build: (readings: MeterReadingRecord[]) => Promise<TransactionRequest>,
    report: RoundReport,
  ): Promise<void> {
    let todo = readings;
    await withRetry(
      what,
      async () => {
        if (todo.length === 0) return;
        let receipt;
        try {
          ({ receipt } = await this.sender.send(() => build(todo)));
        } catch (e) {
          throw this.classify(e);
        }
        this.record(todo, receipt.logs, report);
        report.transactions++;
        report.gasUsed += receipt.gasUsed;
      },
      this.retry,
      {
        log: this.log,
        onRetry: async () => {
          await this.reconcile([...new Set(todo.map((r) => r.meterId))]);
          todo = todo.filter((r) => r.readAt > this.cursor(r.meterId));
        },
      },
    );
  }

  /** Turns a failed send into a {@link PermanentError} when the oracle itself refused (a revert). */
  private classify(e: unknown): Error {
    const err = e as {
      code?: string;
      data?: unknown;
      revert?: { name?: string; args?: unknown[] };
      shortMessage?: string;
      message?: string;
    };
    const refused = (what: string) => new PermanentError(`the oracle refused the transaction: ${what}`);
    if (err.revert?.name !== undefined) return refused(`${err.revert.name}(${(err.revert.args ?? []).join(", ")})`);
    const decoded = decodeRevert(e, [this.oracle]);
    if (decoded !== undefined) return refused(`${decoded.name}(${decoded.args.join(", ")})`);
    const message = err.shortMessage ?? err.message ?? String(e);
    if (err.code === "CALL_EXCEPTION" || /revert/i.test(message)) return refused(message);
    return e instanceof Error ? e : new Error(message);
  }

  /** Records the outcome of a mined transaction and advances the cursors (rejected readings included). */
  private record(readings: MeterReadingRecord[], logs: readonly Log[], report: RoundReport): void {
    for (const r of readings) {
      const id = r.meterId.toLowerCase();
      this.state.meters[id] = Math.max(this.cursor(id), r.readAt);
    }
    saveState(this.statePath, this.state);
    const outcome = new Map<string, SubmittedReading>();
    const key = (meterId: string, readAt: bigint | number) => `${meterId.toLowerCase()}@${readAt}`;
    for (const o of readingOutcomes(logs, this.oracle)) {
      const readAt = Number(o.readAt);
      outcome.set(key(o.meterId, readAt), {
        meterId: o.meterId,
        readAt,
        accepted: o.accepted,
        ...(o.accepted ? {} : { reason: o.reason }),
        minted: o.minted,
        burned: o.burned,
      });
    }
    for (const r of readings) {
      const o = outcome.get(key(r.meterId, r.readAt));
      if (o === undefined) {
        this.log(`${r.serial} @ ${r.readAt}: no outcome event in the receipt`);
        continue;
      }
      if (!o.accepted) this.log(`${r.serial} @ ${r.readAt} rejected: ${o.reason}`);
      report.readings.push(o);
    }
  }
}
