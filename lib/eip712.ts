// EIP-712 encodings the contracts verify: a meter's signed reading (OracleClient) and an EIP-2612 permit (GRID and
// the payment token). One definition of each type; signing helpers take the contract (for its domain) and a key.
import type { BigNumberish, BytesLike, TypedDataDomain, TypedDataField } from "ethers";

/** The `types` argument for an EIP-712 struct, read from its type string (`Name(type name,...)`, as hashed on-chain). */
function typesOf(typeString: string): Record<string, TypedDataField[]> {
  const [, struct, fields] = /^(\w+)\((.*)\)$/.exec(typeString)!;
  return {
    [struct]: fields.split(",").map((field) => {
      const [type, name] = field.split(" ");
      return { name, type };
    }),
  };
}

/** `OracleClient`'s typed reading. */
export const METER_READING_TYPES = typesOf(
  "MeterReading(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)",
);

/** EIP-2612's permit. */
export const PERMIT_TYPES = typesOf(
  "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)",
);

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
