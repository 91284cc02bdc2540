// Ignition module: GridToken (GRID), bound to a Registry.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType } from "@nomicfoundation/ignition-core";

import RegistryModule, { type RegistryModule as RegistryModuleType } from "./Registry";

/** Values handed down by a composing module (GridMarket); without them the module reads its own parameters. */
export interface GridTokenModuleInputs {
  /** The admin (pause, escrow locks). */
  admin: ArgumentType;
  /** Delay of a two-step admin transfer, in seconds. */
  adminDelay: ArgumentType;
  /** The Registry module to bind to. */
  registryModule: RegistryModuleType;
}

/**
 * Builds the module with id "GridToken"; it uses the Registry module.
 * Standalone parameters (namespace "GridToken"): `admin` [account 0], `adminDelay` [0].
 */
export function buildGridTokenModule(inputs?: GridTokenModuleInputs) {
  return buildModule("GridToken", (m) => {
    const { registry } = m.useModule(inputs?.registryModule ?? RegistryModule);
    const admin = inputs?.admin ?? m.getParameter("admin", m.getAccount(0));
    const adminDelay = inputs?.adminDelay ?? m.getParameter("adminDelay", 0n);

    const gridToken = m.contract("GridToken", [registry, admin, adminDelay]);

    return { registry, gridToken };
  });
}

export type GridTokenModule = ReturnType<typeof buildGridTokenModule>;

export default buildGridTokenModule();
