// Meter reading files: JSON or CSV, one reading per row, meters named by serial.
//
// JSON: an array (or {"readings": [...]}) of
//   {"meter": "MTR-0001", "exportWh": 15230, "importWh": 4100, "readAt": 1767225600, "signature": "0x…"}
// CSV: a header row naming the columns, then one reading per line; blank lines and lines starting with # are skipped:
//   meter,exportWh,importWh,readAt,signature
//   MTR-0001,15230,4100,2026-01-01T00:00:00Z,
// exportWh / importWh are the meter's cumulative registers in Wh (integers); readAt is unix seconds or an ISO-8601
// date with a time zone; signature (optional, all rows or none) is the meter key's EIP-712 signature.
import fs from "node:fs";
import path from "node:path";

import { isHexString } from "ethers";

import { REJECT_REASONS } from "./enums";
import { CliError } from "./errors";
import { meterIdFromSerial } from "./meters";
import { type HasInterface, parseEvents, type RawLog } from "./tx";

/** `IOracleClient.MeterReading`, plus the serial it was read from and an optional signature. */
export interface ReadingRow {
  serial: string;
  meterId: string;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
  signature?: string;
}

const UINT64_MAX = 2n ** 64n - 1n;
const COLUMNS = ["meter", "exportWh", "importWh", "readAt"] as const;

/** Reads and validates a JSON or CSV reading file (by extension). */
export function readReadingsFile(file: string): ReadingRow[] {
  if (!fs.existsSync(file)) throw new CliError(`--file: ${file} does not exist`);
  const text = fs.readFileSync(file, "utf8");
  const ext = path.extname(file).toLowerCase();
  let records: { where: string; fields: Record<string, unknown> }[];
  if (ext === ".json") records = parseJson(file, text);
  else if (ext === ".csv") records = parseCsv(file, text);
  else throw new CliError(`--file: ${file} must end in .json or .csv`);

  if (records.length === 0) throw new CliError(`${file} holds no readings`);
  const rows = records.map(({ where, fields }) => toRow(where, fields));
  const signed = rows.filter((row) => row.signature !== undefined).length;
  if (signed !== 0 && signed !== rows.length) {
    throw new CliError(`${file}: ${signed} of ${rows.length} readings are signed; sign all of them or none`);
  }
  return rows;
}

function parseJson(file: string, text: string): { where: string; fields: Record<string, unknown> }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(list)) throw new CliError(`${file}: expected an array of readings or {"readings": [...]}`);
  return list.map((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new CliError(`${file} reading #${i + 1}: expected an object`);
    }
    return { where: `${file} reading #${i + 1}`, fields: item as Record<string, unknown> };
  });
}

function parseCsv(file: string, text: string): { where: string; fields: Record<string, unknown> }[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: line.trim(), number: i + 1 }));
  const content = lines.filter(({ line }) => line !== "" && !line.startsWith("#"));
  if (content.length === 0) return [];
  const header = content[0].line.split(",").map((h) => h.trim());
  for (const column of COLUMNS) {
    if (!header.includes(column)) {
      throw new CliError(
        `${file}: the header row must name the columns ${COLUMNS.join(", ")} (and optionally signature)`,
      );
    }
  }
  return content.slice(1).map(({ line, number }) => {
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new CliError(`${file} line ${number}: ${cells.length} cells, the header has ${header.length}`);
    }
    const fields: Record<string, unknown> = {};
    header.forEach((h, i) => {
      if (cells[i] !== "") fields[h] = cells[i];
    });
    return { where: `${file} line ${number}`, fields };
  });
}

function toRow(where: string, fields: Record<string, unknown>): ReadingRow {
  const serial = fields.meter;
  if (typeof serial !== "string") throw new CliError(`${where}: "meter" must be the meter serial (a string)`);
  const signature = fields.signature;
  if (signature !== undefined && (typeof signature !== "string" || !isHexString(signature))) {
    throw new CliError(`${where}: "signature" must be 0x-prefixed hex`);
  }
  return {
    serial,
    meterId: meterIdFromSerial(serial, `${where}: meter`),
    exportWh: register(where, "exportWh", fields.exportWh),
    importWh: register(where, "importWh", fields.importWh),
    readAt: timestamp(where, fields.readAt),
    signature: signature as string | undefined,
  };
}

function register(where: string, name: string, value: unknown): bigint {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text)) {
    throw new CliError(`${where}: "${name}" must be a non-negative integer number of Wh`);
  }
  const n = BigInt(text);
  if (n > UINT64_MAX) throw new CliError(`${where}: "${name}" ${n} does not fit a uint64 register`);
  return n;
}

function timestamp(where: string, value: unknown): bigint {
  if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) {
    const n = BigInt(value);
    if (n === 0n || n > UINT64_MAX) throw new CliError(`${where}: "readAt" ${n} is not a valid unix time`);
    return n;
  }
  if (typeof value === "string" && /(Z|[+-]\d\d:?\d\d)$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return BigInt(Math.floor(ms / 1000));
  }
  throw new CliError(`${where}: "readAt" must be unix seconds or an ISO-8601 date with a time zone`);
}

/** The outcome of one reading, from its ReadingAccepted / ReadingRejected event. */
export interface ReadingOutcome {
  meterId: string;
  readAt: bigint;
  accepted: boolean;
  minted: bigint;
  burned: bigint;
  reason?: (typeof REJECT_REASONS)[number];
}

/** The reading outcomes the OracleClient `oracle` logged among `logs`, in log order. */
export function readingOutcomes(logs: readonly RawLog[], oracle: HasInterface & { target: unknown }): ReadingOutcome[] {
  return parseEvents(logs, oracle, "ReadingAccepted", "ReadingRejected").map(({ name, args }) => {
    const accepted = name === "ReadingAccepted";
    return {
      meterId: String(args.meterId),
      readAt: BigInt(args.readAt as bigint),
      accepted,
      minted: accepted ? BigInt(args.minted as bigint) : 0n,
      burned: accepted ? BigInt(args.burned as bigint) : 0n,
      ...(accepted ? {} : { reason: REJECT_REASONS[Number(args.reason)] }),
    };
  });
}
