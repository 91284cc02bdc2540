// Shared set-up of the OracleClient suite (test/oracleClient/*.test.ts): constants mirrored from Solidity, report
// encoders and the fixtures.
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "hardhat";

import { deployOracleWithScriptedMarket } from "../fixtures";
import { METER_READING_TYPES } from "../helpers/eip712";
import { UserStatus, UserType, Work } from "../helpers/enums";

// ───────────────────────────── constants mirrored from Solidity ─────────────────────────────

export { UserStatus, UserType, Work };
export const RequestStatus = { None: 0, Pending: 1, Fulfilled: 2 } as const;
export const Reject = {
  MeterNotAssigned: 1,
  OwnerNotVerified: 2,
  StaleReading: 3,
  FutureReading: 4,
  SentinelValue: 5,
  RegisterRollback: 6,
  ImplausibleDelta: 7,
  MissingSigner: 8,
  InvalidSignature: 9,
} as const;

export const GRID_PER_WH = 10n ** 15n;
export const SENTINEL = 2n ** 64n - 1n;
export const DEFAULT_RATED_POWER = 100_000n;
export const HOUR = 3600n;
export const ADMIN_ROLE = ethers.ZeroHash;
export const IRECEIVER_ID = "0x805f2132";
export const IERC165_ID = "0x01ffc9a7";
export const READING_BATCH_GAS_BUDGET = 45_000n;

export const METER_A = ethers.encodeBytes32String("MTR-A");
export const METER_B = ethers.encodeBytes32String("MTR-B");
export const METER_C = ethers.encodeBytes32String("MTR-C");
export const UNKNOWN_METER = ethers.encodeBytes32String("MTR-UNKNOWN");

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

export function metadata(workflowId: string, workflowOwner: string): string {
  return ethers.solidityPacked(
    ["bytes32", "bytes10", "address", "bytes2"],
    [workflowId, WORKFLOW_NAME, workflowOwner, REPORT_NAME],
  );
}

export function readingsReport(readings: Reading[]): string {
  return coder.encode(["uint8", "bytes"], [1, coder.encode([READING_TUPLE], [readings])]);
}

export function clearingReport(): string {
  return coder.encode(["uint8", "bytes"], [2, "0x"]);
}

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

// ─────────────────────────────────────────── fixture ───────────────────────────────────────────

// The OracleClient is tested against the real Registry and GridToken and against a scripted clearing market (all
// through the production Ignition modules, see `deployOracleWithScriptedMarket`), so that every branch of the upkeep (hints, slices, budgets) can be driven exactly. The full system, with the real
// Trading contract, is exercised in test/integration/fullCycle.test.ts.
export async function deployOracleFixture() {
  const [admin, regulator, operator, prosumer, prosumer2, consumer, outsider, meterKey, forwarder, creForwarder] =
    await ethers.getSigners();

  const { registry, gridToken, market, oracleClient: oracle } = await deployOracleWithScriptedMarket();
  const oracleAddress = await oracle.getAddress();

  await registry.addRecRegulator(regulator.address);
  await registry.registerUser(prosumer.address, UserType.Prosumer, "Dorm A");
  await registry.registerUser(prosumer2.address, UserType.Prosumer, "Lab B");
  await registry.registerUser(consumer.address, UserType.Consumer, "Library");
  await registry.assignMeter(METER_A, prosumer.address);
  await registry.assignMeter(METER_B, prosumer2.address);
  await registry.assignMeter(METER_C, consumer.address);
  await registry.setMeterSigner(METER_A, meterKey.address);
  await oracle.connect(regulator).addOracleOperator(operator.address);

  const domain = {
    name: "GridMarket OracleClient",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: oracleAddress,
  };

  return {
    registry,
    gridToken,
    market,
    oracle,
    domain,
    admin,
    regulator,
    operator,
    prosumer,
    prosumer2,
    consumer,
    outsider,
    meterKey,
    forwarder,
    creForwarder,
  };
}

/// Meter A has a baseline 900 s ago (1,000 Wh exported, 500 Wh imported); returns that time.
export async function withBaselineFixture() {
  const f = await deployOracleFixture();
  const t0 = (await now()) - 900n;
  await f.oracle.connect(f.operator).submitReadings([reading(METER_A, 1_000n, 500n, t0)]);
  return { ...f, t0 };
}

export async function sign(signer: HardhatEthersSigner, domain: object, r: Reading): Promise<string> {
  return signer.signTypedData(domain, READING_TYPES, r);
}
