// Meter serial numbers ↔ the bytes32 meter ids the contracts use.
//
// Encoding (stable: the same serial always gives the same id, on every network and in every script):
//   - a serial of at most 31 UTF-8 bytes is stored as ethers.encodeBytes32String(serial): readable on-chain and
//     reversible with decodeBytes32String, e.g. "MTR-0001" → 0x4d54522d30303031000000…00;
//   - a longer serial is stored as keccak256(utf8(serial)): fixed size, not reversible, so keep the serial list;
//   - a 0x-prefixed 32-byte hex string is taken as an id already encoded.
// Serials are case-sensitive and must not start or end with whitespace.
import { decodeBytes32String, encodeBytes32String, isHexString, keccak256, toUtf8Bytes, ZeroHash } from "ethers";

import { CliError } from "./errors";

/** Longest serial stored readably (encodeBytes32String keeps one byte for the terminating zero). */
export const MAX_READABLE_SERIAL_BYTES = 31;

/** The bytes32 meter id of `serial` (see the encoding above). */
export function meterIdFromSerial(serial: string, option = "--meter"): string {
  if (serial.length === 0) throw new CliError(`${option}: the meter serial is empty`);
  if (serial.trim() !== serial) throw new CliError(`${option}: "${serial}" starts or ends with whitespace`);
  if (isHexString(serial, 32)) {
    if (serial === ZeroHash) throw new CliError(`${option}: the zero meter id is not a meter`);
    return serial.toLowerCase();
  }
  const bytes = toUtf8Bytes(serial);
  return bytes.length <= MAX_READABLE_SERIAL_BYTES ? encodeBytes32String(serial) : keccak256(bytes);
}

/** A readable label for a meter id: the serial when it was stored readably, otherwise the hex id. */
export function describeMeterId(meterId: string): string {
  try {
    const serial = decodeBytes32String(meterId);
    // Only a printable serial that encodes back to the same id counts as readable.
    if (serial.length > 0 && /^[\x20-\x7e]+$/.test(serial) && encodeBytes32String(serial) === meterId.toLowerCase()) {
      return `${serial} (${meterId})`;
    }
  } catch {
    // Not a zero-terminated string: a hashed serial.
  }
  return meterId;
}
