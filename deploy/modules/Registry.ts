// Ignition module: the Registry (users, meters, meter signer keys, REC regulators).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType } from "@nomicfoundation/ignition-core";

/** Values handed down by a composing module (GridMarket); without them the module reads its own parameters. */
export interface RegistryModuleInputs {
  /** The admin, also the first REC regulator. */
  admin: ArgumentType;
  /** Delay of a two-step admin transfer, in seconds. */
  adminDelay: ArgumentType;
}

/**
 * Builds the module with id "Registry".
 * Standalone parameters (namespace "Registry"): `admin` [account 0], `adminDelay` [0].
 */
export function buildRegistryModule(inputs?: RegistryModuleInputs) {
  return buildModule("Registry", (m) => {
    const admin = inputs?.admin ?? m.getParameter("admin", m.getAccount(0));
    const adminDelay = inputs?.adminDelay ?? m.getParameter("adminDelay", 0n);

    const registry = m.contract("Registry", [admin, adminDelay]);

    return { registry };
  });
}

export type RegistryModule = ReturnType<typeof buildRegistryModule>;

export default buildRegistryModule();
