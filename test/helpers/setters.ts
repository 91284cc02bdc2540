// Shared checks for the parameter setters, which emit the old and the new value and refuse a no-op update.
import { expect } from "chai";
import type { BaseContract, ContractTransactionResponse } from "ethers";

/** `set()` emits `event` with `args`; the same call again reverts with the custom error `unchanged`. */
export async function expectSetThenUnchanged(
  contract: BaseContract,
  set: () => Promise<ContractTransactionResponse>,
  event: string,
  args: unknown[],
  unchanged: string,
): Promise<void> {
  await expect(set())
    .to.emit(contract, event)
    .withArgs(...args);
  await expect(set()).to.be.revertedWithCustomError(contract, unchanged);
}

/** `set(value)` reverts with the custom error `error(value)` for every value in `bad`. */
export async function expectEachRejected<T>(
  contract: BaseContract,
  set: (value: T) => Promise<ContractTransactionResponse>,
  error: string,
  bad: T[],
): Promise<void> {
  for (const value of bad) {
    await expect(set(value)).to.be.revertedWithCustomError(contract, error).withArgs(value);
  }
}
