// Ignition module: OracleClient, the bridge from the AMI head-end and the clearing trigger.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType } from "@nomicfoundation/ignition-core";

import TradingModule, { type TradingModule as TradingModuleType } from "./Trading";

/** Values handed down by a composing module (GridMarket); without them the module reads its own parameters. */
export interface OracleClientModuleInputs {
  /** The admin, also the first oracle operator. */
  admin: ArgumentType;
  /** Delay of a two-step admin transfer, in seconds. */
  adminDelay: ArgumentType;
  /** The Trading module (which brings the Registry, GridToken and payment token). */
  tradingModule: TradingModuleType;
}

/**
 * Builds the module with id "OracleClient"; it uses the Trading module.
 * Standalone parameters (namespace "OracleClient"): `admin` [account 0], `adminDelay` [0].
 * It does not grant the OracleClient GRID's minter and burner roles: the GridMarket module does.
 */
export function buildOracleClientModule(inputs?: OracleClientModuleInputs) {
  return buildModule("OracleClient", (m) => {
    const { registry, gridToken, paymentToken, trading } = m.useModule(inputs?.tradingModule ?? TradingModule);
    const admin = inputs?.admin ?? m.getParameter("admin", m.getAccount(0));
    const adminDelay = inputs?.adminDelay ?? m.getParameter("adminDelay", 0n);

    const oracleClient = m.contract("OracleClient", [registry, gridToken, trading, admin, adminDelay]);

    return { registry, gridToken, paymentToken, trading, oracleClient };
  });
}

export type OracleClientModule = ReturnType<typeof buildOracleClientModule>;

export default buildOracleClientModule();
