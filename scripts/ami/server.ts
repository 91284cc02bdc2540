// A mock AMI head-end: the HTTP API a campus smart-meter system offers to an operator, backed by the
// deterministic campus model. Listens on 127.0.0.1 only. The clock is simulated: it follows the wall clock
// (`realtime`) or is set by the caller (`manual`, e.g. the demo moving it with the chain's time).

import http from "node:http";
import type { AddressInfo } from "node:net";

import { Campus, CampusConfig, MeterReadingRecord, UnknownMeterError } from "./campus";

export type ClockMode = "manual" | "realtime";

/** The head-end's simulated clock. Manual time only moves forward. */
export class SimClock {
  private mode: ClockMode;
  private manualNow: number;
  private offset: number;

  constructor(mode: ClockMode, now: number) {
    this.mode = mode;
    this.manualNow = Math.floor(now);
    this.offset = Math.floor(now) - Math.floor(Date.now() / 1000);
  }

  get clockMode(): ClockMode {
    return this.mode;
  }

  now(): number {
    return this.mode === "manual" ? this.manualNow : Math.floor(Date.now() / 1000) + this.offset;
  }

  /** Sets the time and switches to manual mode. Throws when `t` is before the current time. */
  set(t: number): number {
    const current = this.now();
    if (!Number.isFinite(t) || Math.floor(t) < current) {
      throw new ClockError(`the clock only moves forward (now ${current}, asked ${t})`);
    }
    this.mode = "manual";
    this.manualNow = Math.floor(t);
    return this.manualNow;
  }

  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw new ClockError(`invalid advance ${seconds}`);
    return this.set(this.now() + seconds);
  }
}

export class ClockError extends Error {}

export interface AmiServerOptions extends CampusConfig {
  /** Port to listen on (0 = any free port). */
  port?: number;
  clock?: ClockMode;
  /** Initial clock time (default: `start`). */
  now?: number;
  /** Most readings one `/readings` page returns (whole timestamps are never split). */
  pageLimit?: number;
}

export interface AmiServer {
  readonly url: string;
  readonly campus: Campus;
  readonly clock: SimClock;
  /** Requests served, by route pattern (for tests and the demo's statistics). */
  readonly stats: Map<string, number>;
  /** Makes the next `count` requests fail with 503, as a head-end in maintenance would. */
  injectFailures(count: number): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, `${name} must be an integer (unix seconds)`);
  return Number(raw);
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(400, "the body must be a JSON object");
  }
}

/** Starts the mock head-end. */
export async function startAmiServer(options: AmiServerOptions): Promise<AmiServer> {
  const campus = new Campus(options);
  const clock = new SimClock(options.clock ?? "manual", options.now ?? options.start);
  const pageLimit = options.pageLimit ?? 5000;
  const stats = new Map<string, number>();
  let failures = 0;

  const page = (records: MeterReadingRecord[], since: number, until: number) => {
    if (records.length <= pageLimit) return { since, until, hasMore: false, readings: records };
    // Cut after the last whole timestamp that fits, so `since = until` continues without a gap.
    let end = pageLimit;
    while (end > 0 && records[end].readAt === records[end - 1].readAt) end--;
    if (end === 0) end = records.findIndex((r) => r.readAt !== records[0].readAt);
    const cut = records.slice(0, end);
    return { since, until: cut[cut.length - 1].readAt, hasMore: true, readings: cut };
  };

  const window = (url: URL) => {
    const now = clock.now();
    const since = intParam(url, "since", now - campus.config.intervalSeconds);
    const until = Math.min(intParam(url, "until", now), now);
    if (since < 0) throw new HttpError(400, "since must not be negative");
    return { since, until };
  };

  const route = async (req: http.IncomingMessage, url: URL): Promise<[string, unknown]> => {
    const method = req.method ?? "GET";
    const parts = url.pathname.split("/").filter((p) => p.length > 0);
    const now = clock.now();
    if (method === "GET" && url.pathname === "/health") {
      const last = campus.lastBoundary(now);
      return [
        "/health",
        {
          status: "ok",
          now,
          clock: clock.clockMode,
          meters: campus.meters.length,
          intervalSeconds: campus.config.intervalSeconds,
          start: campus.config.start,
          latestReadAt: last ?? null,
          seed: campus.config.seed,
        },
      ];
    }
    if (url.pathname === "/clock") {
      if (method === "GET") return ["/clock", { now, mode: clock.clockMode }];
      if (method === "POST") {
        const body = await readJson(req);
        try {
          if (typeof body.now === "number") clock.set(body.now);
          else if (typeof body.advance === "number") clock.advance(body.advance);
          else throw new HttpError(400, 'POST /clock takes {"now": <unix>} or {"advance": <seconds>}');
        } catch (e) {
          if (e instanceof ClockError) throw new HttpError(409, e.message);
          throw e;
        }
        return ["/clock", { now: clock.now(), mode: clock.clockMode }];
      }
      throw new HttpError(405, "GET or POST");
    }
    if (method === "GET" && url.pathname === "/meters") {
      return ["/meters", { meters: campus.meters }];
    }
    if (method === "GET" && url.pathname === "/readings/latest") {
      const last = campus.lastBoundary(now);
      return ["/readings/latest", { now, readings: last === undefined ? [] : campus.readings(last - 1, last) }];
    }
    if (method === "GET" && url.pathname === "/readings") {
      const { since, until } = window(url);
      return ["/readings", { now, ...page(campus.readings(since, until), since, until) }];
    }
    if (parts[0] === "meters" && parts.length >= 2) {
      const serial = decodeURIComponent(parts[1]);
      const meter = campus.meter(serial);
      if (meter === undefined) throw new HttpError(404, `unknown meter ${serial}`);
      const rest = parts.slice(2).join("/");
      if (method === "GET" && rest === "") return ["/meters/:id", meter];
      if (method === "GET" && rest === "readings") {
        const { since, until } = window(url);
        return ["/meters/:id/readings", { now, ...page(campus.readings(since, until, serial), since, until) }];
      }
      if (method === "GET" && rest === "readings/latest") {
        const last = campus.lastBoundary(now);
        const readings = last === undefined ? [] : campus.readings(last - 1, last, serial);
        return ["/meters/:id/readings/latest", { now, reading: readings[0] ?? null }];
      }
      if (method === "POST" && rest === "read") {
        // On-demand read: the meter reports its registers right now.
        return ["/meters/:id/read", { now, reading: campus.readingAt(serial, now) }];
      }
      if (method === "GET" && rest === "intervals") {
        const { since, until } = window(url);
        return [
          "/meters/:id/intervals",
          { now, since, until, intervals: campus.intervalRecords(serial, since, until) },
        ];
      }
    }
    throw new HttpError(404, `no route ${method} ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    if (failures > 0) {
      failures--;
      send(503, { error: "head-end unavailable (maintenance)" });
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    route(req, url)
      .then(([name, body]) => {
        stats.set(name, (stats.get(name) ?? 0) + 1);
        send(200, body);
      })
      .catch((e: unknown) => {
        if (e instanceof HttpError) send(e.status, { error: e.message });
        else if (e instanceof UnknownMeterError) send(404, { error: e.message });
        else send(500, { error: e instanceof Error ? e.message : String(e) });
      });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    campus,
    clock,
    stats,
    injectFailures(count: number) {
      failures = count;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
