// Shared behaviours of Trading's parameter setters (in the manner of OpenZeppelin's `*.behavior.js`).
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";

import { type Ctx, deployTradingFixture } from "./fixture";

/** `it(title)`: each of `values` makes `set(ctx, value)` revert with `errorName(value)`. */
export function shouldRejectEach(
  title: string,
  values: bigint[],
  errorName: string,
  set: (ctx: Ctx, value: bigint) => Promise<unknown>,
): void {
  it(title, async function () {
    const ctx = await loadFixture(deployTradingFixture);
    for (const value of values) {
      await expect(set(ctx, value)).to.be.revertedWithCustomError(ctx.trading, errorName).withArgs(value);
    }
  });
}

/** `it("reverts when unchanged")`: setting the current value again reverts with `TradingUnchanged`. */
export function shouldRevertWhenUnchanged(set: (ctx: Ctx) => Promise<unknown>): void {
  it("reverts when unchanged", async function () {
    const ctx = await loadFixture(deployTradingFixture);
    await expect(set(ctx)).to.be.revertedWithCustomError(ctx.trading, "TradingUnchanged");
  });
}
