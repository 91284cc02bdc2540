// Choosing the account a task sends from: `--from <index|address>` among the network's accounts.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError } from "./errors";

/**
 * The signer named by `from`: an account index ("0", "3") or an address among the network's accounts. Default:
 * account 0. On remote networks the accounts are the keys configured in `.env` (DEPLOYER_PRIVATE_KEY).
 */
export async function resolveSigner(hre: HardhatRuntimeEnvironment, from?: string): Promise<HardhatEthersSigner> {
  const signers = await hre.ethers.getSigners();
  const network = hre.network.name;
  if (signers.length === 0) {
    throw new CliError(`Network "${network}" has no accounts: set DEPLOYER_PRIVATE_KEY in .env`);
  }
  if (from === undefined || from === "") return signers[0];
  if (/^\d+$/.test(from)) {
    const index = Number(from);
    if (index >= signers.length) {
      throw new CliError(
        `--from ${from}: network "${network}" has ${signers.length} account(s), indexes 0 to ${signers.length - 1}`,
      );
    }
    return signers[index];
  }
  if (!isAddress(from)) throw new CliError(`--from: "${from}" is neither an account index nor an address`);
  const signer = signers.find((s) => s.address.toLowerCase() === from.toLowerCase());
  if (signer === undefined) {
    throw new CliError(`--from ${from}: not an account of network "${network}" (it has ${signers.length} account(s))`);
  }
  return signer;
}
