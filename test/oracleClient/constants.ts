// Values of the OracleClient suite mirrored from Solidity (IOracleClient, OracleClient) and the ERC-165 ids.
import { ethers } from "hardhat";

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
