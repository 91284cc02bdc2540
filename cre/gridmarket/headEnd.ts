// Reading the AMI head-end's HTTP API from the workflow: `GET /readings?since=&until=` (the API scripts/ami mocks
// and lib/bridge/ami-client.ts reads), page by page, in node mode. Every node must see the same readings (or the same
// failure), so each returns a canonical string the DON agrees on by identical consensus.
import { type HTTPSendRequester, ok, text } from "@chainlink/cre-sdk";
import type { Hex } from "viem";

import type { Reading } from "./reports";

/** The readings a run asks for: every scheduled reading with `since < readAt <= until` (unix seconds). */
export interface Window {
  since: number;
  until: number;
}

/** The window of a run scheduled at `scheduledAt`: the last `intervals` whole intervals before it. */
export function readingsWindow(scheduledAt: number, intervalSeconds: number, intervals: number): Window {
  const until = Math.floor(scheduledAt / intervalSeconds) * intervalSeconds;
  return { since: until - intervals * intervalSeconds, until };
}

/** A head-end answer the workflow cannot use; nothing is written for the run. */
export class HeadEndError extends Error {
  override name = "HeadEndError";
}

interface Page {
  readings: Reading[];
  hasMore: boolean;
  until: number;
}

const METER_ID = /^0x[0-9a-fA-F]{64}$/;
const ZERO_ID = `0x${"0".repeat(64)}`;

function register(where: string, name: string, value: unknown): bigint {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new HeadEndError(`${where}: "${name}" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

/** Parses and checks one `/readings` page: every reading well formed and inside the window asked for. */
export function parsePage(body: string, window: Window): Page {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HeadEndError("the head-end answered with invalid JSON");
  }
  const page = parsed as { readings?: unknown; hasMore?: unknown; until?: unknown } | null;
  if (page === null || typeof page !== "object" || !Array.isArray(page.readings)) {
    throw new HeadEndError('the head-end answer has no "readings" array');
  }
  const hasMore = page.hasMore === true;
  if (hasMore && (typeof page.until !== "number" || page.until <= window.since || page.until > window.until)) {
    throw new HeadEndError(`a partial page must end inside the window, got until ${JSON.stringify(page.until)}`);
  }
  const readings = page.readings.map((item: unknown, i: number): Reading => {
    const where = `reading #${i + 1}`;
    const r = item as Record<string, unknown> | null;
    if (r === null || typeof r !== "object") throw new HeadEndError(`${where}: expected an object`);
    if (typeof r.meterId !== "string" || !METER_ID.test(r.meterId) || r.meterId === ZERO_ID) {
      throw new HeadEndError(`${where}: "meterId" must be a non-zero bytes32 hex string`);
    }
    const readAt = register(where, "readAt", r.readAt);
    if (readAt <= BigInt(window.since) || readAt > BigInt(window.until)) {
      throw new HeadEndError(`${where}: readAt ${readAt} is outside the window (${window.since}, ${window.until}]`);
    }
    return {
      meterId: r.meterId.toLowerCase() as Hex,
      exportWh: register(where, "exportWh", r.exportWh),
      importWh: register(where, "importWh", r.importWh),
      readAt,
    };
  });
  return { readings, hasMore, until: hasMore ? (page.until as number) : window.until };
}

function byTimeThenMeter(a: Reading, b: Reading): number {
  if (a.readAt !== b.readAt) return a.readAt < b.readAt ? -1 : 1;
  return a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0;
}

/** Sorted by time, then meter (each meter's readings in order, as OracleClient requires); one reading per meter
 * and time. */
export function canonicalReadings(readings: readonly Reading[]): Reading[] {
  const sorted = [...readings].sort(byTimeThenMeter);
  sorted.forEach((r, i) => {
    const prev = sorted[i - 1];
    if (prev !== undefined && prev.readAt === r.readAt && prev.meterId === r.meterId) {
      throw new HeadEndError(`meter ${r.meterId} has two readings at ${r.readAt}`);
    }
  });
  return sorted;
}

/**
 * A node's observation as the string the DON agrees on (identical consensus): `{"readings": [[meterId, exportWh,
 * importWh, readAt], ...]}` with numbers in decimal, or `{"error": message}` when the head-end failed, so that the
 * error reaches the workflow whole.
 */
export function serializeObservation(observation: Reading[] | HeadEndError): string {
  if (observation instanceof HeadEndError) return JSON.stringify({ error: observation.message });
  const rows = observation.map((r) => [r.meterId, `${r.exportWh}`, `${r.importWh}`, `${r.readAt}`]);
  return JSON.stringify({ readings: rows });
}

/** The readings of an agreed observation; throws its {@link HeadEndError}. */
export function readingsOf(observation: string): Reading[] {
  const parsed = JSON.parse(observation) as { readings?: [Hex, string, string, string][]; error?: string };
  if (parsed.readings === undefined) throw new HeadEndError(parsed.error ?? "the head-end observation is empty");
  return parsed.readings.map(([meterId, exportWh, importWh, readAt]) => ({
    meterId,
    exportWh: BigInt(exportWh),
    importWh: BigInt(importWh),
    readAt: BigInt(readAt),
  }));
}

export interface FetchOptions {
  url: string;
  window: Window;
  maxPages: number;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

/** Runs on each node: every reading of the window, following the head-end's pages, as a serialized observation. */
export function fetchReadings(requester: HTTPSendRequester, options: FetchOptions): string {
  try {
    return serializeObservation(canonicalReadings(fetchPages(requester, options)));
  } catch (e) {
    if (e instanceof HeadEndError) return serializeObservation(e);
    throw e;
  }
}

function fetchPages(requester: HTTPSendRequester, options: FetchOptions): Reading[] {
  const base = options.url.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  const readings: Reading[] = [];
  let since = options.window.since;
  for (let pages = 0; pages < options.maxPages; pages++) {
    const url = `${base}/readings?since=${since}&until=${options.window.until}`;
    const response = requester.sendRequest({ url, method: "GET", headers }).result();
    if (!ok(response)) {
      throw new HeadEndError(
        `GET ${url}: the head-end answered ${response.statusCode}: ${text(response).slice(0, 200)}`,
      );
    }
    const page = parsePage(text(response), { since, until: options.window.until });
    readings.push(...page.readings);
    if (!page.hasMore) return readings;
    since = page.until;
  }
  throw new HeadEndError(`the head-end still had more readings after ${options.maxPages} pages`);
}
