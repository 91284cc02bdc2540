// The exact revert check of the suites in one call: the custom error and every one of its arguments.
import { expect } from "chai";
import type { BaseContract } from "ethers";

/** `call` reverts with the custom error `error` of `contract`, whose arguments are exactly `args`. */
export async function expectRevert(
  call: Promise<unknown>,
  contract: BaseContract,
  error: string,
  ...args: unknown[]
): Promise<void> {
  await expect(call)
    .to.be.revertedWithCustomError(contract, error)
    .withArgs(...args);
}
