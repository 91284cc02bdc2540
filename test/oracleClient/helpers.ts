// Helpers of the OracleClient suite: meter readings, their EIP-712 signatures and CRE report encodings.
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "hardhat";

import { encodeClearingReport, encodeReadingsReport } from "../../lib/cre";
import type { GridToken, OracleClient } from "../../typechain-types";
import { METER_READING_TYPES } from "../helpers/eip712";

export const WORKFLOW_ID = ethers.id("gridmarket-ami-workflow");
export const WORKFLOW_NAME = ethers.zeroPadBytes(ethers.toUtf8Bytes("gridami"), 10);
export const REPORT_NAME = "0x0001";

export interface Reading {
  meterId: string;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
}

export const READING_TYPES = METER_READING_TYPES;
export const READING_TUPLE = "tuple(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)[]";

export const coder = ethers.AbiCoder.defaultAbiCoder();

export function reading(meterId: string, exportWh: bigint, importWh: bigint, readAt: bigint): Reading {
  return { meterId, exportWh, importWh, readAt };
}

/**
 * `tx` accepted reading `r` of `owner`'s meter, minting `minted` and burning `burned` GRID, and changed the owner's
 * GRID balance by exactly `minted - burned`.
 */
export async function expectAccepted(
  { oracle, gridToken }: { oracle: OracleClient; gridToken: GridToken },
  tx: Promise<ContractTransactionResponse>,
  r: Reading,
  owner: HardhatEthersSigner,
  [minted, burned]: [bigint, bigint],
): Promise<void> {
  await expect(tx)
    .to.emit(oracle, "ReadingAccepted")
    .withArgs(r.meterId, owner.address, r.readAt, r.exportWh, r.importWh, minted, burned);
  await expect(tx).to.changeTokenBalances(gridToken, [owner], [minted - burned]);
}

export function metadata(workflowId: string, workflowOwner: string): string {
  return ethers.solidityPacked(
    ["bytes32", "bytes10", "address", "bytes2"],
    [workflowId, WORKFLOW_NAME, workflowOwner, REPORT_NAME],
  );
}

/** The OracleClient's CRE reports, encoded by `lib/cre.ts` (the encoder the tasks and the workflow's check use). */
export const readingsReport = (readings: Reading[]): string => encodeReadingsReport(readings);
export const clearingReport = (): string => encodeClearingReport();

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

// ─────────────────────────────────────────── fixture ───────────────────────────────────────────

// The OracleClient is tested against the real Registry and GridToken and against a scripted clearing market (all
export async function sign(signer: HardhatEthersSigner, domain: object, r: Reading): Promise<string> {
  return signer.signTypedData(domain, READING_TYPES, r);
}
