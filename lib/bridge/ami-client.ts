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
    return (await this.request<{ readings: MeterReadingRecord[] }>("GET", "/readings/latest")).readings;
  }

  /** Every scheduled reading with `since < readAt <= until`, following the head-end's pages. */
  async readings(since: number, until: number): Promise<MeterReadingRecord[]> {
    const out: MeterReadingRecord[] = [];
    let from = since;
    for (;;) {
      const page = await this.request<ReadingsPage>("GET", `/readings?since=${from}&until=${until}`);
      out.push(...page.readings);
      if (!page.hasMore || page.until <= from) return out;
      from = page.until;
    }
  }

  /** An on-demand read: the meter's registers at the head-end's current time. */
  async read(serial: string): Promise<MeterReadingRecord> {
    return (await this.request<{ reading: MeterReadingRecord }>("POST", `/meters/${encodeURIComponent(serial)}/read`))
      .reading;
  }

  /** Scheduled readings of one meter with `since < readAt <= until`. */
  async meterReadings(serial: string, since: number, until: number): Promise<MeterReadingRecord[]> {
    const path = `/meters/${encodeURIComponent(serial)}/readings?since=${since}&until=${until}`;
    return (await this.request<ReadingsPage>("GET", path)).readings;
  }

  private async request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
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
        return JSON.parse(text) as T;
      },
      this.retry,
      { log: this.log },
    );
  }
}
