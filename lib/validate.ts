// Input checks with messages that name the option and the rule.
import { getAddress, isAddress, ZeroAddress } from "ethers";

import { CliError } from "./errors";

/** Parses an address option; rejects malformed ones, bad checksums and (unless allowed) the zero address. */
export function parseAddress(option: string, value: string | undefined, allowZero = false): string {
  if (value === undefined || value === "") throw new CliError(`${option} is required`);
  if (!isAddress(value)) throw new CliError(`${option}: "${value}" is not an address (or its checksum is wrong)`);
  const address = getAddress(value);
  if (!allowZero && address === ZeroAddress) throw new CliError(`${option}: the zero address is not allowed`);
  return address;
}

/** Parses one of `choices` (case-insensitive) and returns its canonical spelling. */
export function parseChoice<T extends string>(option: string, value: string | undefined, choices: readonly T[]): T {
  const match = choices.find((choice) => choice.toLowerCase() === (value ?? "").toLowerCase());
  if (match === undefined) throw new CliError(`${option}: "${value ?? ""}" is not one of ${choices.join(", ")}`);
  return match;
}

/** Parses "true"/"false" (also on/off, yes/no, 1/0). */
export function parseBoolean(option: string, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (["true", "on", "yes", "1"].includes(text)) return true;
  if (["false", "off", "no", "0"].includes(text)) return false;
  throw new CliError(`${option}: "${value}" is not true or false`);
}
