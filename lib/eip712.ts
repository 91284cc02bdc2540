// EIP-712 encodings the contracts verify: a meter's signed reading (OracleClient) and an EIP-2612 permit (GRID and
// the payment token). One definition of each type; signing helpers take the contract (for its domain) and a key.
import type { BigNumberish, BytesLike, TypedDataDomain, TypedDataField } from "ethers";

/** `OracleClient`'s typed reading: `MeterReading(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)`. */
export const METER_READING_TYPES: Record<string, TypedDataField[]> = {
  MeterReading: [
    { name: "meterId", type: "bytes32" },
    { name: "exportWh", type: "uint64" },
    { name: "importWh", type: "uint64" },
    { name: "readAt", type: "uint64" },
  ],
};

/** EIP-2612 `Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)`. */
export const PERMIT_TYPES: Record<string, TypedDataField[]> = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** A contract with an EIP-5267 `eip712Domain()` (OracleClient, GRID, the payment token). */
export interface HasEip712Domain {
  eip712Domain(): Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }>;
}

/** The signing domain of `contract`, read from its `eip712Domain()`. */
export async function domainOf(contract: HasEip712Domain): Promise<TypedDataDomain> {
  const d = await contract.eip712Domain();
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
}

/** Anything that signs typed data (an ethers `Wallet` or signer). */
export interface TypedDataSigner {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** A meter reading as `IOracleClient.MeterReading` (registers in Wh, unix seconds). */
export interface MeterReadingValue {
  meterId: BytesLike;
  exportWh: BigNumberish;
  importWh: BigNumberish;
  readAt: BigNumberish;
}

/** The meter key's signature over `reading` in `domain` (the OracleClient's). */
export function signReading(
  key: TypedDataSigner,
  domain: TypedDataDomain,
  reading: MeterReadingValue,
): Promise<string> {
  return key.signTypedData(domain, METER_READING_TYPES, { ...reading });
}

/** An EIP-2612 permit signature. */
export function signPermit(
  key: TypedDataSigner,
  domain: TypedDataDomain,
  permit: { owner: string; spender: string; value: bigint; nonce: bigint; deadline: bigint },
): Promise<string> {
  return key.signTypedData(domain, PERMIT_TYPES, { ...permit });
}
