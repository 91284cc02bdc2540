// Test doubles of the outside world for the workflow's unit tests: the head-end (HTTP capability mock), the
// OracleClient (EVM capability mock), and the fixture files the Hardhat test replays through a KeystoneForwarder.
import { expect } from "bun:test";
import path from "node:path";

import { type CronPayload, getNetwork } from "@chainlink/cre-sdk";
import { addContractMock, EvmMock, HttpActionsMock } from "@chainlink/cre-sdk/test";
import { bytesToHex, encodeAbiParameters, type Hex } from "viem";

import type { Config } from "../gridmarket/config";
import { ORACLE_CLIENT_ABI, WORK } from "../gridmarket/abi";

export const FIXTURES = path.join(import.meta.dir, "fixtures");
export const ORACLE = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
export const FORWARDER = "0xF8344CFd5c43616a4366C34E3EEE75af79a74482";
export const API_KEY_SECRET = "AMI_API_KEY";
export const API_KEY = "head-end-test-key";
/** The header length `runtime.report` puts before the payload (version … report id), as the forwarder gets it. */
export const RAW_REPORT_HEADER_LENGTH = 109;

/** 12:30:05 UTC on 2026-01-01: the run that asks for the two intervals before 12:30. */
export const SCHEDULED_AT = 1767270605;

export const CONFIG: Config = {
  schedule: "0 */15 * * * *",
  chainSelectorName: "ethereum-testnet-sepolia",
  oracleClient: ORACLE,
  forwarder: FORWARDER,
  headEnd: {
    url: "https://ami.campus.example/api/",
    intervalSeconds: 900,
    lookbackIntervals: 2,
    maxPages: 5,
    apiKeySecret: API_KEY_SECRET,
  },
  maxReadingsPerReport: 60,
  gasLimit: { readings: "4500000", clearing: "5000000" },
  blockConfidence: "latest",
};

export const SECRETS = new Map([["main", new Map([[API_KEY_SECRET, API_KEY]])]]);

/** The cron trigger's payload for a run scheduled at `seconds` (unix). */
export function cronPayload(seconds: number): CronPayload {
  // The handler reads only the timestamp; the message's type marker is the runtime's business.
  return { scheduledExecutionTime: { seconds: BigInt(seconds), nanos: 0 } } as unknown as CronPayload;
}

export function readFixture(name: string): Promise<string> {
  return Bun.file(path.join(FIXTURES, name)).text();
}

/** Compares `value` with the committed fixture `name`, byte for byte (UPDATE_FIXTURES=1 rewrites it first). */
export async function expectFixture(name: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_FIXTURES === "1") await Bun.write(path.join(FIXTURES, name), text);
  expect(text).toBe(await readFixture(name));
}

export interface HeadEndRequest {
  url: string;
  headers: Record<string, string>;
}

/** The head-end: answers each request with the next of `answers` (status and body), recording the requests. */
export function mockHeadEnd(answers: { status: number; body: string }[]): HeadEndRequest[] {
  const requests: HeadEndRequest[] = [];
  HttpActionsMock.testInstance().sendRequest = (input) => {
    requests.push({ url: input.url, headers: { ...input.headers } });
    const answer = answers[requests.length - 1];
    if (answer === undefined) throw new Error(`unexpected head-end request #${requests.length}: ${input.url}`);
    return { statusCode: answer.status, body: Buffer.from(answer.body).toString("base64") };
  };
  return requests;
}

export interface WrittenReport {
  receiver: Hex;
  gasLimit: string;
  /** What OracleClient.onReport receives as `report`: the raw report after its 109-byte header. */
  payload: Hex;
}

export interface OracleOptions {
  forwarder?: string;
  /** The work `checkUpkeep` reports, or none. */
  pending?: { work: (typeof WORK)[number]; epoch: bigint };
  /** Whether OracleClient.onReport reverts on every write. */
  reverts?: boolean;
}

/** The OracleClient on Sepolia: its two views and the report writes, which are recorded. */
export function mockOracle(options: OracleOptions = {}): WrittenReport[] {
  const selector = getNetwork({ chainFamily: "evm", chainSelectorName: CONFIG.chainSelectorName })!.chainSelector
    .selector;
  const evm = EvmMock.testInstance(selector);
  const oracle = addContractMock(evm, { address: ORACLE, abi: ORACLE_CLIENT_ABI });
  const written: WrittenReport[] = [];
  oracle.creForwarder = () => options.forwarder ?? FORWARDER;
  oracle.checkUpkeep = () => {
    const pending = options.pending;
    if (pending === undefined) return [false, "0x"];
    const data = encodeAbiParameters(
      [{ type: "uint8" }, { type: "uint256" }],
      [WORK.indexOf(pending.work), pending.epoch],
    );
    return [true, data];
  };
  oracle.writeReport = (input) => {
    written.push({
      receiver: bytesToHex(input.receiver),
      gasLimit: input.gasConfig.gasLimit.toString(),
      payload: bytesToHex(input.report.rawReport.slice(RAW_REPORT_HEADER_LENGTH)),
    });
    return {
      txStatus: "TX_STATUS_SUCCESS",
      receiverContractExecutionStatus: options.reverts
        ? "RECEIVER_CONTRACT_EXECUTION_STATUS_REVERTED"
        : "RECEIVER_CONTRACT_EXECUTION_STATUS_SUCCESS",
      txHash: Buffer.from(new Uint8Array(32).fill(written.length)).toString("base64"),
    };
  };
  return written;
}
