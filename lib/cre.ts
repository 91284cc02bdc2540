// Chainlink Runtime Environment (CRE) encodings of the OracleClient: the reports a workflow writes, the metadata the
// KeystoneForwarder hands to `onReport`, and the raw report the forwarder verifies (SPEC 12). The CRE workflow in
// cre/gridmarket encodes its reports with viem under the SDK's restricted runtime; test/cre/workflowReports.test.ts
// checks that its bytes equal these.
import { AbiCoder, concat, getAddress, hexlify, isHexString, sha256, toBeHex, toUtf8Bytes } from "ethers";

import { CliError } from "./errors";

/** `OracleClient.REPORT_READINGS` / `REPORT_CLEARING`: the first word of every report. */
export enum ReportKind {
  Readings = 1,
  Clearing = 2,
}

/** `IOracleClient.MeterReading`, as a report carries it. */
export interface CreReading {
  meterId: string;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
}

const READINGS_TYPE = "tuple(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)[]";
const coder = AbiCoder.defaultAbiCoder();

/** `abi.encode(uint8 REPORT_READINGS, abi.encode(MeterReading[]))`: processed like `submitReadings`. */
export function encodeReadingsReport(readings: readonly CreReading[]): string {
  return coder.encode(["uint8", "bytes"], [ReportKind.Readings, coder.encode([READINGS_TYPE], [readings])]);
}

/** `abi.encode(uint8 REPORT_CLEARING, "")`: one slice of clearing, like `performUpkeep`. */
export function encodeClearingReport(): string {
  return coder.encode(["uint8", "bytes"], [ReportKind.Clearing, "0x"]);
}

/** A report decoded back into its kind and, for readings, the readings. */
export function decodeReport(report: string): { kind: number; readings: CreReading[] } {
  const [kind, payload] = coder.decode(["uint8", "bytes"], report);
  if (Number(kind) !== ReportKind.Readings) return { kind: Number(kind), readings: [] };
  const [rows] = coder.decode([READINGS_TYPE], payload);
  return {
    kind: Number(kind),
    readings: (rows as CreReading[]).map((r) => ({
      meterId: r.meterId,
      exportWh: r.exportWh,
      importWh: r.importWh,
      readAt: r.readAt,
    })),
  };
}

/** The 64 bytes of metadata `onReport` receives. */
export interface CreMetadata {
  /** bytes32: the workflow id the registry assigned (OracleClient can filter on it). */
  workflowId: string;
  /** The workflow's name as registered; the metadata carries {@link workflowNameField} of it. */
  workflowName: string;
  /** The address that owns the workflow (OracleClient can filter on it). */
  workflowOwner: string;
  /** bytes2 report id. */
  reportId: string;
}

/**
 * The `bytes10` name field of the metadata: the first 10 characters of the hex sha256 of the workflow name, as ASCII.
 * Names are not unique across owners and say nothing about the code; filter on the workflow id and owner instead.
 */
export function workflowNameField(name: string): string {
  return hexlify(toUtf8Bytes(sha256(toUtf8Bytes(name)).slice(2, 12)));
}

/** `abi.encodePacked(bytes32 workflowId, bytes10 workflowName, address workflowOwner, bytes2 reportId)`. */
export function encodeCreMetadata(m: CreMetadata): string {
  if (!isHexString(m.workflowId, 32)) throw new CliError(`workflowId ${m.workflowId} is not 32 bytes of hex`);
  if (!isHexString(m.reportId, 2)) throw new CliError(`reportId ${m.reportId} is not 2 bytes of hex`);
  return concat([m.workflowId, workflowNameField(m.workflowName), getAddress(m.workflowOwner), m.reportId]);
}

/** The header fields of a raw report that the forwarder reads itself (it passes the rest on as metadata). */
export interface CreReportHeader extends CreMetadata {
  /** bytes32: one execution of the workflow; with the receiver and report id it names a transmission. */
  executionId: string;
  /** uint32 unix seconds. */
  timestamp: number;
  donId: number;
  donConfigVersion: number;
}

/** Length of the raw report header; `onReport` gets `rawReport[45:109]` as metadata and `rawReport[109:]`. */
export const RAW_REPORT_HEADER_LENGTH = 109;
/** Offset of the metadata inside the header (version 1, execution id 32, timestamp 4, DON id 4, config version 4). */
export const RAW_REPORT_METADATA_OFFSET = 45;

/**
 * The raw report a KeystoneForwarder verifies: `version (1) | executionId (32) | timestamp (4) | donId (4) |
 * donConfigVersion (4) | metadata (64) | payload`.
 */
export function encodeRawReport(header: CreReportHeader, payload: string): string {
  if (!isHexString(header.executionId, 32)) throw new CliError(`executionId ${header.executionId} is not 32 bytes`);
  return concat([
    "0x01",
    header.executionId,
    toBeHex(header.timestamp, 4),
    toBeHex(header.donId, 4),
    toBeHex(header.donConfigVersion, 4),
    encodeCreMetadata(header),
    payload,
  ]);
}

// ───────────────────────────────────── workflow configuration ─────────────────────────────────────

/** CRE's chain selector name of each chain the suite deploys to (from the chain-selectors list the SDK ships). */
export const CRE_CHAIN_SELECTOR_NAMES: Readonly<Record<string, string>> = {
  "11155111": "ethereum-testnet-sepolia",
  "421614": "ethereum-testnet-sepolia-arbitrum-1",
  "84532": "ethereum-testnet-sepolia-base-1",
  "80002": "polygon-testnet-amoy",
};

/** Forwarders that deliver CRE reports on Ethereum Sepolia: the DON's KeystoneForwarder for a deployed workflow, and
 * the MockForwarder that `cre workflow simulate --broadcast` writes through (it checks no signatures). */
export const SEPOLIA_CRE_FORWARDERS = {
  keystone: "0xF8344CFd5c43616a4366C34E3EEE75af79a74482",
  simulation: "0x15fC6ae953E024d975e77382eEeC56A9101f9F88",
} as const;

/** A fresh workflow configuration's settings that do not come from the deployment (cre/gridmarket/config.ts
 * documents each one). */
export const WORKFLOW_CONFIG_DEFAULTS = {
  schedule: "0 */15 * * * *",
  headEnd: { intervalSeconds: 900, lookbackIntervals: 2, maxPages: 5 },
  maxReadingsPerReport: 60,
  gasLimit: { readings: "4500000", clearing: "5000000" },
  blockConfidence: "latest",
} as const;

export interface WorkflowDeployment {
  chainId: bigint;
  /** Overrides the name {@link CRE_CHAIN_SELECTOR_NAMES} gives `chainId`. */
  chainSelectorName?: string;
  oracleClient: string;
  forwarder: string;
  headEndUrl?: string;
}

/**
 * The workflow configuration for a deployment: `base` (the current file, or nothing) with the chain, the
 * OracleClient, the forwarder and, when given, the head-end URL replaced; every other setting is kept, or defaulted.
 */
export function workflowConfig(base: Record<string, unknown> | undefined, d: WorkflowDeployment) {
  const chainSelectorName = d.chainSelectorName ?? CRE_CHAIN_SELECTOR_NAMES[d.chainId.toString()];
  if (chainSelectorName === undefined) {
    throw new CliError(
      `--chain-selector-name: chain ${d.chainId} has no CRE name here (known chains: ` +
        `${Object.keys(CRE_CHAIN_SELECTOR_NAMES).join(", ")}); pass the name from CRE's chain-selectors list`,
    );
  }
  const previous = (base ?? {}) as { headEnd?: Record<string, unknown> };
  const headEnd: Record<string, unknown> = { ...WORKFLOW_CONFIG_DEFAULTS.headEnd, ...previous.headEnd };
  if (d.headEndUrl !== undefined) headEnd.url = d.headEndUrl;
  if (typeof headEnd.url !== "string") throw new CliError("--head-end-url: the config has no head-end URL yet");
  return {
    ...WORKFLOW_CONFIG_DEFAULTS,
    ...previous,
    chainSelectorName,
    oracleClient: getAddress(d.oracleClient),
    forwarder: getAddress(d.forwarder),
    headEnd,
  };
}
