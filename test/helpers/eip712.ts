/**
 * EIP-712 typed data the tests sign: EIP-2612 permits (GRID, the payment token, test tokens) and meter readings
 * (the OracleClient's `MeterReading`).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { PERMIT_TYPES } from "../../lib/eip712";

// One definition of each typed-data layout, the one the production code signs with.
export { METER_READING_TYPES, PERMIT_TYPES } from "../../lib/eip712";

/** What {@link signPermit} needs of a token. */
export interface PermitToken {
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
  getAddress(): Promise<string>;
}

/**
 * A real EIP-2612 signature by `owner` for the owner's current nonce, over the domain the test computes itself
 * (the token's name, version "1", this chain, the token's address): the signature, its domain and message.
 */
export async function signPermit(
  token: PermitToken,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
) {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
  const message = { owner: owner.address, spender, value, nonce: await token.nonces(owner.address), deadline };
  const { v, r, s } = ethers.Signature.from(await owner.signTypedData(domain, PERMIT_TYPES, message));
  return { v, r, s, domain, message };
}

/** What {@link permitFromNow} needs of a token besides {@link PermitToken}: the owner's `approve`. */
export interface ApprovableToken extends PermitToken {
  connect(owner: HardhatEthersSigner): { approve(spender: string, value: bigint): Promise<unknown> };
}

/**
 * `owner` clears its allowance to `spender` and signs a permit of `value` to it valid for an hour from the latest
 * block: the deadline and the signature, so that only the permit can authorise the pull.
 */
export async function permitFromNow(
  token: ApprovableToken,
  owner: HardhatEthersSigner,
  spender: { getAddress(): Promise<string> },
  value: bigint,
) {
  const to = await spender.getAddress();
  await token.connect(owner).approve(to, 0n);
  const deadline = BigInt(await time.latest()) + 3_600n;
  const { v, r, s } = await signPermit(token, owner, to, value, deadline);
  return { deadline, v, r, s };
}
