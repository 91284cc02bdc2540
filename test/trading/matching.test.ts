import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { wh } from "../helpers/constants";
import { EpochStatus, Side } from "../helpers/enums";
import { TICK, deployTradingFixture, type Ctx, loadTrading, oneSellFixture, oneSellClosedFixture } from "./fixture";
import {
  place,
  closeEpoch,
  clear,
  epochResult,
  result,
  bookA,
  type Placed,
  book,
  placeAndClose,
  expectMatchCall,
} from "./helpers";
import { expectRevert } from "../helpers/reverts";
import { expectStoppedByPause } from "../helpers/access";

/**
 * Bids 5000 → 30 Wh, 4500 → 10 Wh; asks 4000 → 30 Wh, 4200 → 10 Wh.
 * Unsliced: 30 at (5000, 4000), 10 at (4500, 4200).
 */
function twoLevelBook({ p1, p2, c1, c2 }: Ctx): Placed[] {
  return [
    { signer: c1, side: Side.Buy, wh: 30, price: 500_000n },
    { signer: c2, side: Side.Buy, wh: 10, price: 450_000n },
    { signer: p1, side: Side.Sell, wh: 30, price: 400_000n },
    { signer: p2, side: Side.Sell, wh: 10, price: 420_000n },
  ];
}

describe("Trading", function () {
  describe("#matchOrders", function () {
    describe("when the book spans both summary slots of the bitmaps (tick 1: levels from 49,952 in the second)", function () {
      it("walks from the top level down and across the slots, and clears at the exact margins", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, p2, p3, c1, c2, c3, epoch } = ctx;
        await trading.setPriceRules(1n, 65_535n);
        await place(trading, [
          { signer: c1, side: Side.Buy, wh: 10, price: 65_535n },
          { signer: c2, side: Side.Buy, wh: 20, price: 49_952n },
          { signer: c3, side: Side.Buy, wh: 10, price: 49_951n },
          { signer: p1, side: Side.Sell, wh: 15, price: 49_951n },
          { signer: p2, side: Side.Sell, wh: 10, price: 49_952n },
          { signer: p3, side: Side.Sell, wh: 10, price: 57_344n },
        ]);
        await closeEpoch(trading, epoch);
        // 10 at (65,535, 49,951), 5 at (49,952, 49,951), 10 at (49,952, 49,952); then 57,344 > 49,952.
        await expect(trading.matchOrders(epoch, 100))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch, 49_952n, wh(25), 49_952n, 49_952n);
      });
    });

    describe("when the call is not allowed", function () {
      it("reverts on a zero step budget", async function () {
        const { trading, epoch } = await loadFixture(oneSellClosedFixture);
        await expect(trading.matchOrders(epoch, 0)).to.be.revertedWithCustomError(trading, "TradingZeroBatch");
      });

      it("reverts when no epoch is waiting, epoch 0 included", async function () {
        const { trading, epoch } = await loadFixture(deployTradingFixture);
        await closeEpoch(trading, epoch);
        await expectRevert(trading.matchOrders(epoch, 10), trading, "TradingEpochNotNext", epoch, 0n);
        await expectRevert(trading.matchOrders(0n, 10), trading, "TradingEpochNotNext", 0n, 0n);
      });

      it("reverts for an epoch without orders while another waits", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await time.increaseTo(await trading.epochStart(epoch + 1n));
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch + 1n);
        await expectRevert(trading.matchOrders(epoch, 10), trading, "TradingEpochNotNext", epoch, epoch + 1n);
      });

      it("reverts out of order: a later epoch waits for the earlier one", async function () {
        const { trading, c1, epoch } = await loadFixture(oneSellFixture);
        await time.increaseTo(await trading.epochStart(epoch + 2n));
        await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch + 2n);
        await expectRevert(trading.matchOrders(epoch + 2n, 10), trading, "TradingEpochNotNext", epoch + 2n, epoch);
        await clear(trading, epoch);
        await expect(trading.matchOrders(epoch + 2n, 10))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch + 2n, 0n, 0n, 0n, 0n);
      });

      it("reverts before the epoch has ended", async function () {
        const { trading, epoch } = await loadFixture(oneSellFixture);
        const end = await trading.epochEnd(epoch);
        await time.setNextBlockTimestamp(end - 1n);
        await expectRevert(trading.matchOrders(epoch, 10), trading, "TradingEpochNotEnded", epoch, end);
      });

      it("reverts once price discovery is done", async function () {
        const { trading, epoch } = await loadFixture(oneSellClosedFixture);
        await trading.matchOrders(epoch, 10);
        await expect(trading.matchOrders(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Settling);
      });

      it("reverts once settled, the epoch being no longer next", async function () {
        const { trading, epoch } = await loadFixture(oneSellFixture);
        await clear(trading, epoch);
        await expectRevert(trading.matchOrders(epoch, 10), trading, "TradingEpochNotNext", epoch, 0n);
      });

      it("reverts while paused", async function () {
        const { trading, admin, epoch } = await loadFixture(oneSellClosedFixture);
        await expectStoppedByPause(trading, admin, () => trading.matchOrders(epoch, 10));
      });
    });

    it("is permissionless", async function () {
      const { trading, outsider, epoch } = await loadFixture(oneSellClosedFixture);
      await expectMatchCall(trading.connect(outsider), epoch, 1, [0n, 0n, true]);
    });

    it("resumes across calls with a small step budget", async function () {
      const { ctx, trading, epoch } = await loadTrading();
      await placeAndClose(ctx, bookA(ctx));
      // Walk: (6000 vs 4000) asks exhausted → step 1; (6000 vs 5000) bids exhausted → step 2;
      // (5000 vs 5000) bids exhausted → step 3; 4000 < 5000 → done.
      await expectMatchCall(trading, epoch, 1, [1n, wh(20), false]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({
          status: EpochStatus.Matching,
          volume: wh(20),
          bidPrice: 600_000n,
          askPrice: 400_000n,
          orderCount: 9n,
          tickSize: TICK,
        }),
      );
      await expectMatchCall(trading, epoch, 1, [1n, wh(30), false]);
      await expectMatchCall(trading, epoch, 1, [1n, wh(100), true], [500_000n, wh(100), 500_000n, 500_000n]);
    });

    it("walks the whole book in one call with a large budget", async function () {
      const { ctx, trading, epoch } = await loadTrading();
      await placeAndClose(ctx, bookA(ctx));
      expect(await trading.matchOrders.staticCall(epoch, 2)).to.equal(false);
      expect(await trading.matchOrders.staticCall(epoch, 3)).to.equal(true);
      await expectMatchCall(trading, epoch, 1_000, [3n, wh(100), true], [500_000n, wh(100), 500_000n, 500_000n]);
    });

    it("never walks more price levels than its step budget", async function () {
      // One bid level and one ask level of equal size: both are exhausted by the same match.
      const { ctx, trading, epoch } = await loadTrading();
      await placeAndClose(ctx, book(ctx, "p1 sell 30@400_000, c1 buy 30@400_000"));
      await expectMatchCall(trading, epoch, 1, [1n, wh(30), true], [400_000n, wh(30), 400_000n, 400_000n]);
    });

    it("leaves an exhausted ask level for the next call when the budget is spent, with the same outcome", async function () {
      const { ctx, trading, epoch } = await loadTrading();
      await placeAndClose(ctx, twoLevelBook(ctx));
      // Call 1 steps the bids to 4500 and spends its budget before stepping the asks past 4000.
      await expectMatchCall(trading, epoch, 1, [1n, wh(30), false]);
      // Call 2 matches nothing at the emptied ask level and steps the asks to 4200.
      await expectMatchCall(trading, epoch, 1, [1n, wh(30), false]);
      expect(await epochResult(trading, epoch)).to.deep.include({ bidPrice: 500_000n, askPrice: 400_000n });
      await expectMatchCall(trading, epoch, 1, [1n, wh(40), true], [435_000n, wh(40), 450_000n, 420_000n]);
    });

    it("finds the same outcome in one call", async function () {
      const { ctx, trading, epoch } = await loadTrading();
      await placeAndClose(ctx, twoLevelBook(ctx));
      // Both sides step past both of their levels.
      await expectMatchCall(trading, epoch, 100, [4n, wh(40), true], [435_000n, wh(40), 450_000n, 420_000n]);
    });
  });
});
