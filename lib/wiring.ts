// How the four contracts are wired to each other (SPEC 9.1): the OracleClient holds GRID's minter and burner
// roles, and Trading's address is locked as an escrow account in GRID. The Ignition module does this with
// `m.call`s; deployments made outside Ignition (the benchmark's) use `wireSystem`.
import type { ContractTransactionResponse } from "ethers";

/** The GRID calls that wire a system, in the order the Ignition module makes them. */
export interface WirableGridToken {
  addMinter(account: string): Promise<ContractTransactionResponse>;
  addBurner(account: string): Promise<ContractTransactionResponse>;
  lockEscrowAccount(account: string): Promise<ContractTransactionResponse>;
}

/** Grants the OracleClient GRID's minter and burner roles and locks Trading as an escrow account. */
export async function wireSystem(gridToken: WirableGridToken, oracleClient: string, trading: string): Promise<void> {
  await (await gridToken.addMinter(oracleClient)).wait();
  await (await gridToken.addBurner(oracleClient)).wait();
  await (await gridToken.lockEscrowAccount(trading)).wait();
}

/** A wiring fact to check: what is read, what it is, what it should be. */
export type WiringCheck = [what: string, actual: string, expected: string];

/** The checks that fail (addresses compared case-insensitively). */
export function wiringMismatches(checks: WiringCheck[]): WiringCheck[] {
  return checks.filter(([, actual, expected]) => actual.toLowerCase() !== expected.toLowerCase());
}
