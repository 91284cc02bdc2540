import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { orderId, wh } from "../helpers/constants";
import { OrderStatus, Side } from "../helpers/enums";
import {
  Suspended,
  TICK,
  MAX_PRICE,
  MIN_ORDER,
  MAX_UINT32,
  METER,
  deployTradingFixture,
  loadTrading,
  type Ctx,
  oneSellFixture,
} from "./fixture";
import { escrowOf } from "../../lib/quantities";
import { place, book, expectOrder, parsed } from "./helpers";
import { expectRevert } from "../helpers/reverts";
import { expectStoppedByPause } from "../helpers/access";

/**
 * One test per caller that may not place an order on `side`: `[who, caller, made so]`, where the optional last
 * element turns the fixture's account into such a caller. Each reverts with `TradingNotEligible(caller, side)`.
 */
function shouldRefuseCallers(
  side: Side,
  callers: [who: string, caller: (ctx: Ctx) => HardhatEthersSigner, madeSo?: (ctx: Ctx) => Promise<unknown>][],
): void {
  for (const [who, caller, madeSo] of callers) {
    it(`reverts for ${who}`, async function () {
      const { ctx, trading } = await loadTrading();
      const signer = caller(ctx);
      await madeSo?.(ctx);
      const t = trading.connect(signer);
      await expect(side === Side.Buy ? t.createBuyOrder(wh(10), TICK) : t.createSellOrder(wh(10), TICK))
        .to.be.revertedWithCustomError(trading, "TradingNotEligible")
        .withArgs(signer.address, side);
    });
  }
}

describe("Trading", function () {
  describe("#createSellOrder", function () {
    describe("when the caller is a verified prosumer", function () {
      it("escrows the GRID amount", async function () {
        const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
        const tx = trading.connect(p1).createSellOrder(wh(250), 400_000n);
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [-wh(250), wh(250)]);
      });

      it("emits OrderCreated (the escrow is the amount)", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(250), 400_000n))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(250), 400_000n);
      });

      it("returns the id epoch << 32 | sequence, counting across sides and users", async function () {
        const { trading, p1, p2, c1, epoch } = await loadFixture(deployTradingFixture);
        expect(await trading.connect(p1).createSellOrder.staticCall(wh(10), TICK)).to.equal(orderId(epoch, 1));
        await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: TICK },
          { signer: c1, side: Side.Buy, wh: 10, price: TICK },
        ]);
        expect(await trading.connect(p2).createSellOrder.staticCall(wh(10), TICK)).to.equal(orderId(epoch, 3));
        expect(orderId(epoch, 3)).to.equal(epoch * 2n ** 32n + 3n);
      });

      it("stores the order for getOrder", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 250, price: 400_000n }]);
        await expectOrder(trading, id, [p1, Side.Sell, OrderStatus.Open, epoch, wh(250), 400_000n, 0n]);
      });

      it("adds the amount to the depth at its price", async function () {
        const { ctx, trading, epoch } = await loadTrading();
        await place(trading, book(ctx, "p1 sell 250@400_000, p2 sell 30@400_000, p2 sell 11@400_100"));
        expect(await trading.depthAt(epoch, Side.Sell, 400_000n)).to.equal(wh(280));
        expect(await trading.depthAt(epoch, Side.Sell, 400_100n)).to.equal(wh(11));
        expect(await trading.depthAt(epoch, Side.Buy, 400_000n)).to.equal(0n);
      });

      it("accepts the largest amount (2^32 - 1 Wh) and the price cap", async function () {
        const { trading, grid, p1, epoch } = await loadFixture(deployTradingFixture);
        await grid.mint(p1.address, wh(MAX_UINT32), METER);
        await expect(trading.connect(p1).createSellOrder(wh(MAX_UINT32), MAX_PRICE))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(MAX_UINT32), MAX_PRICE);
        expect(await trading.depthAt(epoch, Side.Sell, MAX_PRICE)).to.equal(wh(MAX_UINT32));
      });

      it("reverts TradingLevelFull past 2^32 - 1 Wh at one level, leaving the neighbouring levels of its slot", async function () {
        const { trading, grid, p1, p2, epoch } = await loadFixture(deployTradingFixture);
        await grid.mint(p1.address, wh(MAX_UINT32), METER);
        await grid.mint(p2.address, wh(20), METER);
        await trading.connect(p1).createSellOrder(wh(MAX_UINT32), MAX_PRICE);
        await expectRevert(
          trading.connect(p2).createSellOrder(wh(10), MAX_PRICE),
          trading,
          "TradingLevelFull",
          Side.Sell,
          MAX_PRICE,
        );
        // The level below shares the depth slot (seven levels to a slot) and keeps its own count.
        await trading.connect(p2).createSellOrder(wh(10), MAX_PRICE - TICK);
        expect(await trading.depthAt(epoch, Side.Sell, MAX_PRICE)).to.equal(wh(MAX_UINT32));
        expect(await trading.depthAt(epoch, Side.Sell, MAX_PRICE - TICK)).to.equal(wh(10));
      });

      it("accepts exactly the minimum amount", async function () {
        const { trading, epoch } = await loadFixture(oneSellFixture);
        expect(await trading.depthAt(epoch, Side.Sell, TICK)).to.equal(MIN_ORDER);
      });
    });

    describe("when the caller may not sell", function () {
      shouldRefuseCallers(Side.Sell, [
        ["a consumer", (ctx) => ctx.c1],
        ["an unregistered account", (ctx) => ctx.outsider],
        ["a suspended prosumer", (ctx) => ctx.p1, (ctx) => ctx.registry.updateUserStatus(ctx.p1.address, Suspended)],
        ["a removed market maker", (ctx) => ctx.mm, (ctx) => ctx.trading.removeMarketMaker(ctx.mm.address)],
      ]);
    });

    describe("when the caller is an unregistered market maker", function () {
      it("sells and escrows its GRID", async function () {
        const { trading, grid, mm, epoch } = await loadFixture(deployTradingFixture);
        const tx = trading.connect(mm).createSellOrder(wh(40), 50_000n);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, mm.address, Side.Sell, wh(40), 50_000n);
        await expect(tx).to.changeTokenBalances(grid, [mm, trading], [-wh(40), wh(40)]);
      });

      it("lets a registered consumer made market maker sell as well as buy", async function () {
        const { trading, grid, p1, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.addMarketMaker(c1.address);
        await grid.connect(p1).transfer(c1.address, wh(10));
        await trading.connect(c1).createBuyOrder(wh(10), TICK);
        await expect(trading.connect(c1).createSellOrder(wh(10), TICK))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 2), epoch, c1.address, Side.Sell, wh(10), TICK);
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([orderId(epoch, 1), orderId(epoch, 2)]);
      });
    });

    describe("when the amount is invalid", function () {
      it("reverts when it is not a whole number of watt-hours", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10) + 1n, TICK))
          .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
          .withArgs(wh(10) + 1n);
      });

      it("reverts above 2^32 - 1 watt-hours", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(MAX_UINT32 + 1n), TICK))
          .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
          .withArgs(wh(MAX_UINT32 + 1n));
      });

      it("reverts below the minimum order amount, zero included", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(9), TICK))
          .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
          .withArgs(wh(9), MIN_ORDER);
        await expect(trading.connect(p1).createSellOrder(0n, TICK))
          .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
          .withArgs(0n, MIN_ORDER);
      });
    });

    describe("when the price is invalid", function () {
      it("reverts on a zero price", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expectRevert(trading.connect(p1).createSellOrder(wh(10), 0n), trading, "TradingInvalidPrice", 0n, TICK);
      });

      it("reverts on a price off the tick", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10), 150n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(150n, TICK);
      });

      it("reverts above the price cap", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10), MAX_PRICE + TICK))
          .to.be.revertedWithCustomError(trading, "TradingPriceAboveCap")
          .withArgs(MAX_PRICE + TICK, MAX_PRICE);
      });
    });

    describe("when the per-epoch order limit is reached", function () {
      it("reverts on the order past the limit, cancelled orders included", async function () {
        const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setMaxOrdersPerUser(3n);
        const [first] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: TICK },
          { signer: p1, side: Side.Buy, wh: 10, price: TICK },
        ]);
        await trading.connect(p1).cancelOrder(first);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(p1.address, epoch, 3n);
        await expect(trading.connect(p1).createBuyOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(p1.address, epoch, 3n);
        // Other users keep their own count.
        await expect(trading.connect(c1).createBuyOrder(wh(10), TICK)).to.emit(trading, "OrderCreated");
      });

      it("counts afresh in the next epoch", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setMaxOrdersPerUser(1n);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(p1.address, epoch, 1n);
        await time.increaseTo(await trading.epochEnd(epoch));
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch + 1n, 1), epoch + 1n, p1.address, Side.Sell, wh(10), TICK);
      });
    });

    it("reverts with the token's error when the allowance is short", async function () {
      const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
      await grid.connect(p1).approve(trading, wh(10));
      await expect(trading.connect(p1).createSellOrder(wh(11), TICK))
        .to.be.revertedWithCustomError(grid, "ERC20InsufficientAllowance")
        .withArgs(await trading.getAddress(), wh(10), wh(11));
    });

    it("reverts while paused", async function () {
      const { trading, admin, p1 } = await loadFixture(deployTradingFixture);
      await expectStoppedByPause(trading, admin, () => trading.connect(p1).createSellOrder(wh(10), TICK));
    });
  });

  describe("#createBuyOrder", function () {
    describe("when the caller is a verified user", function () {
      it("escrows ceil(amount * price / 1e18) of the payment token", async function () {
        const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
        // 13 Wh at 123,400 per kWh = 1,604.2 → 1,605.
        const tx = trading.connect(c1).createBuyOrder(wh(13), 123_400n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-1_605n, 1_605n]);
        // 2 kWh at 500,000 per kWh = exactly 1,000,000.
        const exact = trading.connect(c1).createBuyOrder(wh(2_000), 500_000n);
        await expect(exact).to.changeTokenBalances(usdc, [c1, trading], [-1_000_000n, 1_000_000n]);
      });

      it("emits OrderCreated, from which the rounded-up escrow the order reserved follows", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        const tx = trading.connect(c1).createBuyOrder(wh(13), 123_400n);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n);
        const [[, , , side, amount, price]] = parsed(trading, (await (await tx).wait())!, "OrderCreated");
        expect(escrowOf({ side: Number(side) as Side, amount, price })).to.equal(1_605n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-1_605n, 1_605n]);
      });

      it("lets a prosumer buy too", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createBuyOrder(wh(10), 1_000n))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Buy, wh(10), 1_000n);
      });

      it("stores the order and its depth", async function () {
        const { ctx, trading, c1, epoch } = await loadTrading();
        const [id] = await place(trading, book(ctx, "c1 buy 13@123_400, c2 buy 7_000@123_400"));
        await expectOrder(trading, id, [c1, Side.Buy, OrderStatus.Open, epoch, wh(13), 123_400n, 0n]);
        expect(await trading.depthAt(epoch, Side.Buy, 123_400n)).to.equal(wh(7_013));
      });
    });

    describe("when the caller may not buy", function () {
      shouldRefuseCallers(Side.Buy, [
        ["an unregistered account", (ctx) => ctx.outsider],
        ["a suspended consumer", (ctx) => ctx.c1, (ctx) => ctx.registry.updateUserStatus(ctx.c1.address, Suspended)],
      ]);
    });

    it("lets an unregistered market maker buy", async function () {
      const { trading, usdc, mm, epoch } = await loadFixture(deployTradingFixture);
      const tx = trading.connect(mm).createBuyOrder(wh(100), 90_000n);
      await expect(tx)
        .to.emit(trading, "OrderCreated")
        .withArgs(orderId(epoch, 1), epoch, mm.address, Side.Buy, wh(100), 90_000n);
      await expect(tx).to.changeTokenBalances(usdc, [mm, trading], [-9_000n, 9_000n]);
    });

    it("validates amount and price as for sells", async function () {
      const { trading, c1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(c1).createBuyOrder(wh(10) + 1n, TICK))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(wh(10) + 1n);
      await expect(trading.connect(c1).createBuyOrder(wh(MAX_UINT32 + 1n), TICK))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(wh(MAX_UINT32 + 1n));
      await expect(trading.connect(c1).createBuyOrder(wh(9), TICK))
        .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
        .withArgs(wh(9), MIN_ORDER);
      await expectRevert(trading.connect(c1).createBuyOrder(wh(10), 0n), trading, "TradingInvalidPrice", 0n, TICK);
      await expectRevert(trading.connect(c1).createBuyOrder(wh(10), 199n), trading, "TradingInvalidPrice", 199n, TICK);
      await expect(trading.connect(c1).createBuyOrder(wh(10), MAX_PRICE + TICK))
        .to.be.revertedWithCustomError(trading, "TradingPriceAboveCap")
        .withArgs(MAX_PRICE + TICK, MAX_PRICE);
    });

    it("reverts with the token's error when the allowance is short", async function () {
      const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
      await usdc.connect(c1).approve(trading, 1_604n);
      await expect(trading.connect(c1).createBuyOrder(wh(13), 123_400n))
        .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
        .withArgs(await trading.getAddress(), 1_604n, 1_605n);
    });

    it("reverts while paused", async function () {
      const { trading, admin, c1 } = await loadFixture(deployTradingFixture);
      await expectStoppedByPause(trading, admin, () => trading.connect(c1).createBuyOrder(wh(10), TICK));
    });
  });
});
