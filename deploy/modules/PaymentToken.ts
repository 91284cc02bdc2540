// Ignition module: the ERC-20 buyers pay with. Either an existing token (a stablecoin or campus credit)
// or, on local chains only, a MockUSDC deployed here.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ModuleParameterRuntimeValue } from "@nomicfoundation/ignition-core";

/** Where the payment token comes from. */
export type PaymentTokenSource =
  /** Deploy a MockUSDC (6 decimals, anyone may mint). Local chains only. */
  | { kind: "mock" }
  /** Use the token at `address` (an address or a module parameter). */
  | { kind: "existing"; address: string | ModuleParameterRuntimeValue<string> };

/**
 * Builds the module with id "PaymentToken".
 * Standalone (no source given) it requires the parameter `PaymentToken.paymentToken`.
 * An existing token is checked at deployment by reading `decimals()`: an address without an ERC-20 behind it
 * stops the deployment before any market contract depends on it.
 */
export function buildPaymentTokenModule(source?: PaymentTokenSource) {
  return buildModule("PaymentToken", (m) => {
    if (source?.kind === "mock") {
      const paymentToken = m.contract("MockUSDC");
      return { paymentToken };
    }
    const address = source?.address ?? m.getParameter<string>("paymentToken");
    const paymentToken = m.contractAt(
      "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol:IERC20Metadata",
      address,
      { id: "ExistingPaymentToken" },
    );
    m.staticCall(paymentToken, "decimals", [], 0, { id: "CheckPaymentTokenDecimals" });
    return { paymentToken };
  });
}

export type PaymentTokenModule = ReturnType<typeof buildPaymentTokenModule>;

export default buildPaymentTokenModule();
