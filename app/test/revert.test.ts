// Reverts in words: the suite's custom errors, encoded as the chain returns them, decoded and explained.
import { ContractFunctionExecutionError, ContractFunctionRevertedError, encodeErrorResult, getAddress } from "viem";
import { describe, expect, it } from "vitest";

import { errorsAbi, tradingAbi } from "../src/generated/abis";
import { explainError, findRevert } from "../src/revert";

const GRID = getAddress("0x00000000000000000000000000000000000000a1");
const USDC = getAddress("0x00000000000000000000000000000000000000b2");
const ME = getAddress("0x00000000000000000000000000000000000000c3");
const CTX = { gridToken: GRID, payment: { address: USDC, symbol: "USDC", decimals: 6 } };

/** A revert as viem reports a failed simulation of `createOrders`. */
function reverted(errorName: string, args: readonly unknown[]) {
  const data = encodeErrorResult({ abi: errorsAbi, errorName, args } as never);
  const cause = new ContractFunctionRevertedError({ abi: errorsAbi, data, functionName: "createOrders" });
  return new ContractFunctionExecutionError(cause, { abi: tradingAbi, functionName: "createOrders", args: [[]] });
}

describe("explainError", () => {
  it.each([
    [
      "TradingNotEligible",
      [ME, 1],
      "This account may not sell: selling takes a registered, active prosumer or a market maker. (TradingNotEligible)",
    ],
    [
      "TradingPriceAboveCap",
      [1_000_100n, 1_000_000n],
      "1.0001 USDC/kWh is above the regulator's price cap of 1 USDC/kWh. (TradingPriceAboveCap)",
    ],
    [
      "TradingInsufficientBalance",
      [ME, USDC, 2_500_000n, 3_000_000n],
      "Your market account holds 2.5 USDC free, less than the 3 USDC asked for. (TradingInsufficientBalance)",
    ],
    [
      "TradingInsufficientBalance",
      [ME, GRID, 10n ** 15n, 2n * 10n ** 18n],
      "Your market account holds 0.001 kWh free, less than the 2 kWh asked for. (TradingInsufficientBalance)",
    ],
    [
      "TradingGateClosed",
      [(7n << 32n) | 3n, 1_800_000_000n],
      "Too late to cancel order 30064771075: its epoch's gate closed at 2027-01-15 08:00:00 UTC; the order now waits for clearing. (TradingGateClosed)",
    ],
    [
      "TradingOrderLimitReached",
      [ME, 12n, 100n],
      "You have reached the limit of 100 orders in epoch 12; place more in the next epoch. (TradingOrderLimitReached)",
    ],
  ])("explains %s", (name, args, words) => {
    const error = reverted(name, args);
    expect(findRevert(error)).toEqual({ name, args });
    expect(explainError(error, CTX)).toBe(words);
  });

  it("names an error it has no words for", () => {
    expect(explainError(reverted("TradingZeroBatch", []), CTX)).toBe(
      "The contract refused the transaction. (TradingZeroBatch)",
    );
  });
});
