// Ignition module: Trading, the periodic double auction, bound to the Registry, GRID and the payment token.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType } from "@nomicfoundation/ignition-core";

import { MARKET_DEFAULTS } from "../../lib/market";
import GridTokenModule, { type GridTokenModule as GridTokenModuleType } from "./GridToken";
import PaymentTokenModule, { type PaymentTokenModule as PaymentTokenModuleType } from "./PaymentToken";

/** Market defaults (SPEC 9.1); the deployment parameters of the same names override them. */
export const TRADING_DEFAULTS = MARKET_DEFAULTS;

/** Values handed down by a composing module (GridMarket); without them the module reads its own parameters. */
export interface TradingModuleInputs {
  admin: ArgumentType;
  adminDelay: ArgumentType;
  genesis: ArgumentType;
  epochLength: ArgumentType;
  tickSize: ArgumentType;
  maxPrice: ArgumentType;
  minOrderAmount: ArgumentType;
  maxOrdersPerUser: ArgumentType;
  feeBps: ArgumentType;
  feeRecipient: ArgumentType;
  /** The GridToken module (which brings the Registry). */
  gridTokenModule: GridTokenModuleType;
  /** The payment token module. */
  paymentTokenModule: PaymentTokenModuleType;
}

/**
 * Builds the module with id "Trading"; it uses the GridToken (and so Registry) and PaymentToken modules.
 * Standalone parameters (namespace "Trading"): `admin` [account 0], `adminDelay` [0], `genesis`,
 * `epochLength`, `tickSize`, `maxPrice`, `minOrderAmount`, `maxOrdersPerUser`, `feeBps` (defaults in
 * {@link TRADING_DEFAULTS}) and `feeRecipient` [account 0]; the payment token comes from
 * `PaymentToken.paymentToken`.
 */
export function buildTradingModule(inputs?: TradingModuleInputs) {
  return buildModule("Trading", (m) => {
    const { registry, gridToken } = m.useModule(inputs?.gridTokenModule ?? GridTokenModule);
    const { paymentToken } = m.useModule(inputs?.paymentTokenModule ?? PaymentTokenModule);

    const admin = inputs?.admin ?? m.getParameter("admin", m.getAccount(0));
    const adminDelay = inputs?.adminDelay ?? m.getParameter("adminDelay", 0n);
    const genesis = inputs?.genesis ?? m.getParameter("genesis", TRADING_DEFAULTS.genesis);
    const epochLength = inputs?.epochLength ?? m.getParameter("epochLength", TRADING_DEFAULTS.epochLength);
    const params = {
      tickSize: inputs?.tickSize ?? m.getParameter("tickSize", TRADING_DEFAULTS.tickSize),
      maxPrice: inputs?.maxPrice ?? m.getParameter("maxPrice", TRADING_DEFAULTS.maxPrice),
      minOrderAmount: inputs?.minOrderAmount ?? m.getParameter("minOrderAmount", TRADING_DEFAULTS.minOrderAmount),
      maxOrdersPerUser:
        inputs?.maxOrdersPerUser ?? m.getParameter("maxOrdersPerUser", TRADING_DEFAULTS.maxOrdersPerUser),
      feeBps: inputs?.feeBps ?? m.getParameter("feeBps", TRADING_DEFAULTS.feeBps),
      feeRecipient: inputs?.feeRecipient ?? m.getParameter("feeRecipient", m.getAccount(0)),
    };

    // Settlement and the order-book views are linked libraries, which keeps Trading under 24,576 bytes.
    const clearing = m.library("Clearing");
    const tradingViews = m.library("TradingViews");
    const marketAccounts = m.library("MarketAccounts");
    const trading = m.contract(
      "Trading",
      [registry, gridToken, paymentToken, genesis, epochLength, params, admin, adminDelay],
      { libraries: { Clearing: clearing, MarketAccounts: marketAccounts, TradingViews: tradingViews } },
    );

    return { registry, gridToken, paymentToken, trading };
  });
}

export type TradingModule = ReturnType<typeof buildTradingModule>;

export default buildTradingModule();
