// Shared access-control behaviours (in the manner of OpenZeppelin's `*.behavior.js`): apply them inside a
// contract's test file to every privileged function, so that each one is tested with an unauthorised caller.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";

import type { Registry } from "../../typechain-types";

/**
 * One privileged function: a label and how to call it from `caller` with otherwise valid arguments (which may
 * come from the test's context `ctx`).
 */
export interface PrivilegedCall<C extends BaseContract, X = AccessContext<C>> {
  name: string;
  send: (contract: C, caller: HardhatEthersSigner, ctx: X) => Promise<ContractTransactionResponse>;
}

/**
 * What the behaviours need from the test's fixture. Pass the fixture function itself (a stable, named function):
 * the behaviours load it with `loadFixture`, so each test starts from the same snapshot.
 */
export interface AccessContext<C extends BaseContract> {
  contract: C;
  registry: Registry;
  admin: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
}

/**
 * Every call in `calls` is for REC regulators only (as the Registry says): an outsider is rejected with
 * `errorName(caller)`, and a regulator removed from the Registry loses the right at once.
 * `errorName` is the shared `IRegulatorGated` error, "NotRecRegulator".
 */
export function shouldBeRegulatorOnly<X extends AccessContext<BaseContract>>(
  fixture: () => Promise<X>,
  errorName: string,
  calls: PrivilegedCall<X["contract"], X>[],
): void {
  describe(`regulator-only functions (${errorName})`, function () {
    for (const call of calls) {
      describe(`#${call.name}`, function () {
        it("reverts for a caller that is not a REC regulator", async function () {
          const ctx = await loadFixture(fixture);
          const { contract, outsider } = ctx;
          await expect(call.send(contract, outsider, ctx))
            .to.be.revertedWithCustomError(contract, errorName)
            .withArgs(outsider.address);
        });

        it("reverts for a regulator once the Registry has removed it", async function () {
          const ctx = await loadFixture(fixture);
          const { contract, registry, admin, regulator } = ctx;
          await registry.connect(admin).removeRecRegulator(regulator.address);
          await expect(call.send(contract, regulator, ctx))
            .to.be.revertedWithCustomError(contract, errorName)
            .withArgs(regulator.address);
        });
      });
    }
  });
}

/**
 * Every call in `calls` is for the contract's admin (`DEFAULT_ADMIN_ROLE` of OpenZeppelin's
 * AccessControlDefaultAdminRules): an outsider and a REC regulator are both rejected with
 * `AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)`.
 */
export function shouldBeAdminOnly<X extends AccessContext<BaseContract>>(
  fixture: () => Promise<X>,
  calls: PrivilegedCall<X["contract"], X>[],
): void {
  describe("admin-only functions (AccessControlUnauthorizedAccount)", function () {
    for (const call of calls) {
      describe(`#${call.name}`, function () {
        for (const who of ["outsider", "regulator"] as const) {
          it(`reverts for ${who === "outsider" ? "an outsider" : "a REC regulator that is not the admin"}`, async function () {
            const ctx = await loadFixture(fixture);
            const caller = ctx[who];
            await expect(call.send(ctx.contract, caller, ctx))
              .to.be.revertedWithCustomError(ctx.contract, "AccessControlUnauthorizedAccount")
              .withArgs(caller.address, ethers.ZeroHash);
          });
        }
      });
    }
  });
}

/** A pausable contract, as {@link expectStoppedByPause} uses it. */
export type PausableContract = BaseContract & {
  connect(signer: HardhatEthersSigner): { pause(): Promise<unknown> };
};

/** `admin` pauses `contract`; then `send()` reverts with `EnforcedPause`. */
export async function expectStoppedByPause(
  contract: PausableContract,
  admin: HardhatEthersSigner,
  send: () => Promise<ContractTransactionResponse>,
): Promise<void> {
  await contract.connect(admin).pause();
  await expect(send()).to.be.revertedWithCustomError(contract, "EnforcedPause");
}

/**
 * One test per call of `calls`, keyed by the function's name: once `ctx.admin` has paused the contract, the call
 * reverts with `EnforcedPause`.
 */
export function shouldBeStoppedByPause<X extends { admin: HardhatEthersSigner }>(
  fixture: () => Promise<X>,
  contract: (ctx: X) => PausableContract,
  calls: Record<string, (ctx: X) => Promise<ContractTransactionResponse>>,
): void {
  for (const [name, send] of Object.entries(calls)) {
    it(`stops ${name} with EnforcedPause`, async function () {
      const ctx = await loadFixture(fixture);
      await expectStoppedByPause(contract(ctx), ctx.admin, () => send(ctx));
    });
  }
}
