// The reports the workflow writes to OracleClient.onReport, encoded as `OracleClient` decodes them:
// `abi.encode(uint8 kind, bytes payload)` with kind 1 (`payload = abi.encode(MeterReading[])`) or 2 (empty payload).
// Byte-identical to lib/cre.ts (checked by test/cre/workflowReports.test.ts); viem only, so that the workflow can
// bundle it for the CRE runtime.
import { encodeAbiParameters, type Hex, parseAbiParameters } from "viem";

export const REPORT_READINGS = 1;
export const REPORT_CLEARING = 2;

/** `IOracleClient.MeterReading`. */
export interface Reading {
  meterId: Hex;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
}

const REPORT = parseAbiParameters("uint8 kind, bytes payload");
const READINGS = parseAbiParameters("(bytes32 meterId, uint64 exportWh, uint64 importWh, uint64 readAt)[]");

export function encodeReadingsReport(readings: readonly Reading[]): Hex {
  return encodeAbiParameters(REPORT, [REPORT_READINGS, encodeAbiParameters(READINGS, [readings])]);
}

export function encodeClearingReport(): Hex {
  return encodeAbiParameters(REPORT, [REPORT_CLEARING, "0x"]);
}
