import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { shouldBeRegulatorOnly } from "../helpers/access";
import { wh } from "../helpers/constants";
import {
  TICK,
  MAX_PRICE,
  MIN_ORDER,
  MAX_ORDERS,
  MAX_UINT32,
  DEFAULT_ADMIN_ROLE,
  deployTradingFixture,
  loadTrading,
} from "./fixture";
import { shouldRejectEach, shouldRevertWhenUnchanged } from "./parameters.behavior";
import { shouldManageRoleList } from "../helpers/roleList.behavior";
import { expectRevert } from "../helpers/reverts";

/** The Trading fixture as the shared access behaviours want it. */
async function accessContext() {
  const ctx = await deployTradingFixture();
  return { ...ctx, contract: ctx.trading };
}

describe("Trading", function () {
  shouldManageRoleList({
    role: "market maker",
    fixture: deployTradingFixture,
    contract: (ctx) => ctx.trading,
    names: { add: "addMarketMaker", remove: "removeMarketMaker" },
    add: (ctx, by, account) => ctx.trading.connect(by).addMarketMaker(account),
    remove: (ctx, by, account) => ctx.trading.connect(by).removeMarketMaker(account),
    has: (ctx, account) => ctx.trading.isMarketMaker(account),
    adder: (ctx) => ctx.regulator,
    remover: (ctx) => ctx.regulator,
    outsider: (ctx) => ctx.outsider,
    member: (ctx) => ctx.mm,
    events: { added: "MarketMakerAdded", removed: "MarketMakerRemoved" },
    errors: {
      zeroAddress: "TradingZeroAddress",
      exists: "TradingMarketMakerExists",
      unknown: "TradingUnknownMarketMaker",
    },
  });

  describe("#setPriceRules", function () {
    it("updates the tick and the cap", async function () {
      const { trading, regulator } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setPriceRules(10n, 655_350n))
        .to.emit(trading, "PriceRulesUpdated")
        .withArgs(10n, 655_350n);
      expect([await trading.tickSize(), await trading.maxPrice()]).to.deep.equal([10n, 655_350n]);
      await expect(trading.setPriceRules(10n, 500_000n)).to.emit(trading, "PriceRulesUpdated").withArgs(10n, 500_000n);
      await expect(trading.setPriceRules(100n, 500_000n))
        .to.emit(trading, "PriceRulesUpdated")
        .withArgs(100n, 500_000n);
    });

    it("reverts on invalid rules", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      const U64 = 2n ** 64n;
      for (const [t, m] of [
        [0n, MAX_PRICE],
        [TICK, 0n],
        [300n, MAX_PRICE],
        [1n, 65_536n],
        [U64, U64],
      ]) {
        await expectRevert(trading.setPriceRules(t, m), trading, "TradingInvalidPriceRules", t, m);
      }
    });

    shouldRevertWhenUnchanged((ctx) => ctx.trading.setPriceRules(TICK, MAX_PRICE));
  });

  describe("#setMinOrderAmount", function () {
    it("updates the minimum", async function () {
      const { trading, regulator, c1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setMinOrderAmount(wh(1)))
        .to.emit(trading, "MinOrderAmountUpdated")
        .withArgs(wh(1));
      expect(await trading.minOrderAmount()).to.equal(wh(1));
      await expect(trading.connect(c1).createBuyOrder(wh(1), TICK)).to.emit(trading, "OrderCreated");
      await trading.setMinOrderAmount(wh(MAX_UINT32));
      await expect(trading.connect(c1).createBuyOrder(wh(MAX_UINT32 - 1n), TICK))
        .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
        .withArgs(wh(MAX_UINT32 - 1n), wh(MAX_UINT32));
    });

    shouldRejectEach(
      "reverts on zero, a fraction of a watt-hour, or more than 2^32 - 1 Wh",
      [0n, wh(10) + 1n, wh(MAX_UINT32 + 1n)],
      "TradingInvalidMinOrderAmount",
      (ctx, amount) => ctx.trading.setMinOrderAmount(amount),
    );

    shouldRevertWhenUnchanged((ctx) => ctx.trading.setMinOrderAmount(MIN_ORDER));
  });

  describe("#setMaxOrdersPerUser", function () {
    it("updates the limit, up to 1,000", async function () {
      const { trading, regulator } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setMaxOrdersPerUser(1_000n))
        .to.emit(trading, "MaxOrdersPerUserUpdated")
        .withArgs(1_000n);
      expect(await trading.maxOrdersPerUser()).to.equal(1_000n);
    });

    shouldRejectEach("reverts on 0 or above 1,000", [0n, 1_001n], "TradingInvalidMaxOrdersPerUser", (ctx, limit) =>
      ctx.trading.setMaxOrdersPerUser(limit),
    );

    shouldRevertWhenUnchanged((ctx) => ctx.trading.setMaxOrdersPerUser(MAX_ORDERS));
  });

  describe("#setFee", function () {
    it("updates the fee and its recipient, each alone or both", async function () {
      const { trading, regulator, feeSink, admin } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setFee(1_000n, admin.address))
        .to.emit(trading, "FeeUpdated")
        .withArgs(1_000n, admin.address);
      await expect(trading.setFee(1_000n, feeSink.address))
        .to.emit(trading, "FeeUpdated")
        .withArgs(1_000n, feeSink.address);
      expect([await trading.feeBps(), await trading.feeRecipient()]).to.deep.equal([1_000n, feeSink.address]);
    });

    it("reverts above 1,000 basis points", async function () {
      const { trading, admin } = await loadFixture(deployTradingFixture);
      await expectRevert(trading.setFee(1_001n, admin.address), trading, "TradingInvalidFee", 1_001n);
    });

    it("reverts on a zero recipient", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      await expect(trading.setFee(10n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        trading,
        "TradingZeroAddress",
      );
    });

    shouldRevertWhenUnchanged((ctx) => ctx.trading.setFee(0n, ctx.admin.address));
  });

  describe("#pause and #unpause", function () {
    it("let the admin pause and unpause", async function () {
      const { trading, admin } = await loadFixture(deployTradingFixture);
      await expect(trading.pause()).to.emit(trading, "Paused").withArgs(admin.address);
      expect(await trading.paused()).to.equal(true);
      await expect(trading.unpause()).to.emit(trading, "Unpaused").withArgs(admin.address);
      expect(await trading.paused()).to.equal(false);
    });

    for (const who of ["outsider", "regulator"] as const) {
      it(`reject the ${who}`, async function () {
        const { ctx, trading } = await loadTrading();
        const caller = ctx[who];
        await expect(trading.connect(caller).pause())
          .to.be.revertedWithCustomError(trading, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        await trading.pause();
        await expect(trading.connect(caller).unpause())
          .to.be.revertedWithCustomError(trading, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      });
    }
  });

  shouldBeRegulatorOnly(accessContext, "NotRecRegulator", [
    { name: "addMarketMaker", send: (t, caller, ctx) => t.connect(caller).addMarketMaker(ctx.c1.address) },
    { name: "removeMarketMaker", send: (t, caller, ctx) => t.connect(caller).removeMarketMaker(ctx.mm.address) },
    { name: "setPriceRules", send: (t, caller) => t.connect(caller).setPriceRules(10n, MAX_PRICE) },
    { name: "setMinOrderAmount", send: (t, caller) => t.connect(caller).setMinOrderAmount(wh(1)) },
    { name: "setMaxOrdersPerUser", send: (t, caller) => t.connect(caller).setMaxOrdersPerUser(5n) },
    { name: "setFee", send: (t, caller, ctx) => t.connect(caller).setFee(10n, ctx.outsider.address) },
  ]);
});
