// The bridge's view of an AMI head-end's HTTP API (the mock in scripts/ami implements the same API).

import type { HeadEndMeter as MeterInfo, MeterReadingRecord } from "./head-end";
import { DEFAULT_RETRY, PermanentError, RetryOptions, withRetry } from "./retry";

export type { MeterInfo, MeterReadingRecord };

interface ReadingsPage {
  now: number;
  since: number;
  until: number;
  hasMore: boolean;
  readings: MeterReadingRecord[];
}

export class AmiClient {
  constructor(
    readonly baseUrl: string,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
    private readonly log: (message: string) => void = () => undefined,
    private readonly timeoutMs = 10_000,
  ) {}

  async health(): Promise<{ status: string; now: number; meters: number; intervalSeconds: number; start: number }> {
    return this.request("GET", "/health");
  }

  async meters(): Promise<MeterInfo[]> {
    return (await this.request<{ meters: MeterInfo[] }>("GET", "/meters")).meters;
  }

  async now(): Promise<number> {
    return (await this.request<{ now: number }>("GET", "/clock")).now;
  }

  /** Moves a simulated head-end's clock (mock only). */
  async setClock(now: number): Promise<number> {
    return (await this.request<{ now: number }>("POST", "/clock", { now })).now;
  }

  async latest(): Promise<MeterReadingRecord[]> {
    return this.rows("GET", "/readings/latest");
  }

  /** Every scheduled reading with `since < readAt <= until`, following the head-end's pages. */
  async readings(since: number, until: number): Promise<MeterReadingRecord[]> {
    const out: MeterReadingRecord[] = [];
    let from = since;
    for (;;) {
      const page = await this.request<ReadingsPage>("GET", `/readings?since=${from}&until=${until}`, undefined, true);
      out.push(...page.readings);
      if (!page.hasMore || page.until <= from) return out;
      from = page.until;
    }
  }

  /** An on-demand read: the meter's registers at the head-end's current time. */
  async read(serial: string): Promise<MeterReadingRecord> {
    const path = `/meters/${encodeURIComponent(serial)}/read`;
    const { reading } = await this.request<{ reading: MeterReadingRecord }>("POST", path, undefined, false, (body) => {
      checkedRows([(body as { reading?: unknown }).reading]);
    });
    return reading;
  }

  /** Scheduled readings of one meter with `since < readAt <= until`. */
  async meterReadings(serial: string, since: number, until: number): Promise<MeterReadingRecord[]> {
    return this.rows("GET", `/meters/${encodeURIComponent(serial)}/readings?since=${since}&until=${until}`);
  }

  /** The `readings` of a response, checked and without repeated rows (a malformed answer is retried). */
  private async rows(method: "GET", path: string): Promise<MeterReadingRecord[]> {
    return (await this.request<{ readings: MeterReadingRecord[] }>(method, path, undefined, true)).readings;
  }

  private async request<T>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    hasRows = false,
    check?: (parsed: unknown) => void,
  ): Promise<T> {
    return withRetry(
      `AMI ${method} ${path}`,
      async () => {
        let response: Response;
        try {
          response = await fetch(this.baseUrl + path, {
            method,
            headers: body === undefined ? undefined : { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs),
          });
        } catch (e) {
          throw new Error(`head-end unreachable: ${e instanceof Error ? e.message : String(e)}`);
        }
        const text = await response.text();
        if (response.status >= 500 || response.status === 429) {
          throw new Error(`head-end answered ${response.status}: ${text}`);
        }
        if (!response.ok) throw new PermanentError(`head-end answered ${response.status}: ${text}`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new Error(`head-end answered with malformed JSON (${text.length} bytes)`);
        }
        if (hasRows) {
          const page = parsed as { readings?: unknown };
          page.readings = checkedRows(page.readings);
        }
        check?.(parsed);
        return parsed as T;
      },
      this.retry,
      { log: this.log },
    );
  }
}

/** Whether `row` is a well-formed reading: serial, bytes32 meter id, non-negative integer registers and time. */
function isReading(row: unknown): row is MeterReadingRecord {
  const r = row as Partial<Record<keyof MeterReadingRecord, unknown>> | null;
  const count = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.serial === "string" &&
    typeof r.meterId === "string" &&
    /^0x[0-9a-fA-F]{64}$/.test(r.meterId) &&
    count(r.exportWh) &&
    count(r.importWh) &&
    count(r.readAt)
  );
}

/**
 * The rows of a head-end answer, exact repeats removed. A malformed row, or two different rows for the same meter
 * and time, fails the whole answer (retried): dropping a row would lose that interval's reading for good.
 */
export function checkedRows(rows: unknown): MeterReadingRecord[] {
  if (!Array.isArray(rows)) throw new Error("head-end answered without a readings list");
  const seen = new Map<string, MeterReadingRecord>();
  for (const row of rows) {
    if (!isReading(row)) throw new Error(`head-end answered with a malformed reading: ${JSON.stringify(row)}`);
    const key = `${row.meterId.toLowerCase()}@${row.readAt}`;
    const earlier = seen.get(key);
    if (earlier !== undefined && (earlier.exportWh !== row.exportWh || earlier.importWh !== row.importWh)) {
      throw new Error(`head-end answered with two different readings for ${row.serial} at ${row.readAt}`);
    }
    seen.set(key, row);
  }
  return [...seen.values()];
}
