// Ignition module "GridMarket": the whole market. Deploys Registry, GridToken, Trading and OracleClient
// (plus a MockUSDC payment token on local chains), then wires them: the OracleClient mints and burns GRID,
// and the Trading contract's GRID escrow is locked against minting and burning.
//
// Parameters (namespace "GridMarket", all optional; SPEC 9.1):
//   admin [account 0]            admin of all four contracts, first REC regulator and first oracle operator
//   adminDelay [0]               delay of a two-step admin transfer, seconds (0 suits local chains only)
//   paymentToken                 the ERC-20 buyers pay with; see "Payment token" below
//   epochLength [900]            seconds per auction epoch
//   genesis [0]                  start of epoch 0; 0 = deployment block time rounded down to epochLength
//   tickSize [100]               price granularity, payment-token base units per kWh
//   maxPrice [1000000]           price cap, payment-token base units per kWh (1.00 USDC)
//   minOrderAmount [1e16]        smallest order, GRID base units (0.01 kWh)
//   maxOrdersPerUser [100]       orders per account per epoch
//   feeBps [0]                   seller fee, basis points
//   feeRecipient [admin]         who is credited fees and rounding remainders
//
// Payment token. Ignition modules cannot branch on parameter values, so the choice is made when this file is
// loaded, from the network Hardhat is running on:
//   - local chains (the in-process `hardhat` network, `localhost`, or chain id 31337): the module deploys a
//     MockUSDC and the `paymentToken` parameter is NOT read;
//   - any other network: `paymentToken` is required (Ignition stops before sending anything without it), and
//     the address is checked by reading `decimals()` before Trading is deployed.
// To use an existing token on a local chain, build the module yourself:
//   buildGridMarketModule({ paymentToken: "parameter" }).
//
// Sender. Wiring calls are signed by Ignition's account 0, which must hold the admin (and REC regulator)
// powers while deploying: leave `admin` unset or set it to that account, and hand the admin role to a
// multisig afterwards with the two-step transfer (`beginDefaultAdminTransfer` / `acceptDefaultAdminTransfer`).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HardhatContext } from "hardhat/internal/context";

import { buildGridTokenModule } from "./GridToken";
import { buildOracleClientModule } from "./OracleClient";
import { buildPaymentTokenModule } from "./PaymentToken";
import { buildRegistryModule } from "./Registry";
import { TRADING_DEFAULTS, buildTradingModule } from "./Trading";

/** Chain id of Hardhat's in-process network and of `npx hardhat node`. */
export const LOCAL_CHAIN_ID = 31337;

/** How the GridMarket module obtains its payment token. */
export interface GridMarketModuleOptions {
  /** "mock": deploy a MockUSDC (local chains). "parameter": use the required `paymentToken` parameter. */
  paymentToken: "mock" | "parameter";
}

/** Builds the module with id "GridMarket". */
export function buildGridMarketModule(options: GridMarketModuleOptions) {
  return buildModule("GridMarket", (m) => {
    const adminAccount = m.getAccount(0);
    const admin = m.getParameter("admin", adminAccount);
    const adminDelay = m.getParameter("adminDelay", 0n);

    const registryModule = buildRegistryModule({ admin, adminDelay });
    const gridTokenModule = buildGridTokenModule({ admin, adminDelay, registryModule });
    const paymentTokenModule = buildPaymentTokenModule(
      options.paymentToken === "mock"
        ? { kind: "mock" }
        : { kind: "existing", address: m.getParameter<string>("paymentToken") },
    );
    const tradingModule = buildTradingModule({
      admin,
      adminDelay,
      genesis: m.getParameter("genesis", TRADING_DEFAULTS.genesis),
      epochLength: m.getParameter("epochLength", TRADING_DEFAULTS.epochLength),
      tickSize: m.getParameter("tickSize", TRADING_DEFAULTS.tickSize),
      maxPrice: m.getParameter("maxPrice", TRADING_DEFAULTS.maxPrice),
      minOrderAmount: m.getParameter("minOrderAmount", TRADING_DEFAULTS.minOrderAmount),
      maxOrdersPerUser: m.getParameter("maxOrdersPerUser", TRADING_DEFAULTS.maxOrdersPerUser),
      feeBps: m.getParameter("feeBps", TRADING_DEFAULTS.feeBps),
      feeRecipient: m.getParameter("feeRecipient", adminAccount),
      gridTokenModule,
      paymentTokenModule,
    });
    const oracleClientModule = buildOracleClientModule({ admin, adminDelay, tradingModule });

    const { registry, gridToken, paymentToken, trading, oracleClient } = m.useModule(oracleClientModule);

    // Wiring, sent by the admin: the OracleClient turns accepted meter readings into mints and burns, and
    // no role may mint into or burn from the Trading contract's escrow.
    m.call(gridToken, "addMinter", [oracleClient], { from: adminAccount, id: "GridToken_addMinter_OracleClient" });
    m.call(gridToken, "addBurner", [oracleClient], { from: adminAccount, id: "GridToken_addBurner_OracleClient" });
    m.call(gridToken, "lockEscrowAccount", [trading], { from: adminAccount, id: "GridToken_lockEscrow_Trading" });

    return { registry, gridToken, paymentToken, trading, oracleClient };
  });
}

export type GridMarketModule = ReturnType<typeof buildGridMarketModule>;

/** Whether `network` is a local development chain, where the module deploys its own MockUSDC. */
export function isLocalNetwork(network: HardhatRuntimeEnvironment["network"]): boolean {
  return network.name === "hardhat" || network.name === "localhost" || network.config.chainId === LOCAL_CHAIN_ID;
}

/** The network this file is being loaded for. */
function currentNetwork(): HardhatRuntimeEnvironment["network"] {
  if (!HardhatContext.isCreated()) {
    // Loaded outside Hardhat (e.g. plain ts-node): creating the runtime here is what `import "hardhat"` does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("hardhat") as HardhatRuntimeEnvironment).network;
  }
  const env = HardhatContext.getHardhatContext().environment;
  if (env === undefined) {
    throw new Error(
      "deploy/modules/GridMarket.ts was imported while hardhat.config.ts was loading; " +
        "import it inside the task action that needs it.",
    );
  }
  return env.network;
}

export default buildGridMarketModule({ paymentToken: isLocalNetwork(currentNetwork()) ? "mock" : "parameter" });
