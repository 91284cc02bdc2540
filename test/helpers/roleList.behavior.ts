// Shared behaviour of the role lists kept by the contracts (GRID minters and burners, market makers, oracle
// operators): adding announces the member and the caller and refuses the zero address and an existing member;
// removing announces the same and refuses an account that is not a member.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";

/** One role list of one contract, described for {@link shouldManageRoleList}. */
export interface RoleList<X> {
  /** What a member is called in the test names ("market maker"). */
  role: string;
  /** A stable, named fixture, loaded with `loadFixture`. */
  fixture: () => Promise<X>;
  contract: (ctx: X) => BaseContract;
  /** The function names, for the `describe` titles. */
  names: { add: string; remove: string };
  /** `by` adds or removes `account`. */
  add: (ctx: X, by: HardhatEthersSigner, account: string) => Promise<ContractTransactionResponse>;
  remove: (ctx: X, by: HardhatEthersSigner, account: string) => Promise<ContractTransactionResponse>;
  has: (ctx: X, account: string) => Promise<boolean>;
  /** Who adds and who removes (an authorised caller each). */
  adder: (ctx: X) => HardhatEthersSigner;
  remover: (ctx: X) => HardhatEthersSigner;
  /** An account that is not a member, and one that is. */
  outsider: (ctx: X) => HardhatEthersSigner;
  member: (ctx: X) => HardhatEthersSigner;
  events: { added: string; removed: string };
  errors: { zeroAddress: string; exists: string; unknown: string };
  /** Whether `remove` also refuses the zero address with `errors.zeroAddress`. */
  removeRefusesZero?: boolean;
}

export function shouldManageRoleList<X>(list: RoleList<X>): void {
  const { role, events, errors } = list;

  /** `send` by `caller` for `account` emits `event(account, caller)`; afterwards `has(account)` is `member`. */
  async function expectChange(
    send: RoleList<X>["add"],
    caller: (ctx: X) => HardhatEthersSigner,
    account: (ctx: X) => HardhatEthersSigner,
    event: string,
    member: boolean,
  ) {
    const ctx = await loadFixture(list.fixture);
    const [by, who] = [caller(ctx), account(ctx).address];
    await expect(send(ctx, by, who))
      .to.emit(list.contract(ctx), event)
      .withArgs(who, by.address);
    expect(await list.has(ctx, who)).to.equal(member);
  }

  describe(`#${list.names.add}`, function () {
    it(`adds a ${role} and emits ${events.added} with the caller`, async function () {
      await expectChange(list.add, list.adder, list.outsider, events.added, true);
    });

    it(`reverts with ${errors.zeroAddress} for the zero address`, async function () {
      const ctx = await loadFixture(list.fixture);
      await expect(list.add(ctx, list.adder(ctx), ethers.ZeroAddress)).to.be.revertedWithCustomError(
        list.contract(ctx),
        errors.zeroAddress,
      );
    });

    it(`reverts with ${errors.exists} for an existing ${role}`, async function () {
      const ctx = await loadFixture(list.fixture);
      const account = list.member(ctx).address;
      await expect(list.add(ctx, list.adder(ctx), account))
        .to.be.revertedWithCustomError(list.contract(ctx), errors.exists)
        .withArgs(account);
    });
  });

  describe(`#${list.names.remove}`, function () {
    it(`removes a ${role} and emits ${events.removed} with the caller`, async function () {
      await expectChange(list.remove, list.remover, list.member, events.removed, false);
    });

    it(`reverts with ${errors.unknown} for an account that is not a ${role}`, async function () {
      const ctx = await loadFixture(list.fixture);
      const account = list.outsider(ctx).address;
      await expect(list.remove(ctx, list.remover(ctx), account))
        .to.be.revertedWithCustomError(list.contract(ctx), errors.unknown)
        .withArgs(account);
    });

    if (list.removeRefusesZero) {
      it(`reverts with ${errors.zeroAddress} for the zero address`, async function () {
        const ctx = await loadFixture(list.fixture);
        await expect(list.remove(ctx, list.remover(ctx), ethers.ZeroAddress)).to.be.revertedWithCustomError(
          list.contract(ctx),
          errors.zeroAddress,
        );
      });
    }
  });
}
