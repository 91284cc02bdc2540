import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { orderId, wh } from "../helpers/constants";
import { EpochStatus, Side, Work } from "../helpers/enums";
import { TICK, MAX_PRICE, deployTradingFixture, loadTrading } from "./fixture";
import {
  place,
  expectBalancesEqualAccounts,
  epochResult,
  fill,
  expectClearing,
  closeEpoch,
  accountOf,
  parsed,
  book,
} from "./helpers";
import { CLEARING_EXAMPLES, itClearsExamples, EDGE_EXAMPLES } from "./examples";

describe("Trading", function () {
  describe("clearing", function () {
    itClearsExamples(CLEARING_EXAMPLES);
    itClearsExamples(EDGE_EXAMPLES);

    describe("when the parameters change mid-epoch", function () {
      it("keeps the epoch's tick and fee from its first order and applies the new cap at once", async function () {
        const { ctx, trading, p1, c1, feeSink, epoch } = await loadTrading();
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 20, price: 100_100n }]);
        await trading.setPriceRules(1_000n, 500_000n);
        await trading.setFee(500n, feeSink.address);
        // The epoch's tick is still 100 …
        const [b] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 20, price: 300_100n }]);
        await expect(trading.connect(c1).createBuyOrder(wh(10), 150n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(150n, TICK);
        // … but the cap applies at once.
        await expect(trading.connect(c1).createBuyOrder(wh(10), 500_100n))
          .to.be.revertedWithCustomError(trading, "TradingPriceAboveCap")
          .withArgs(500_100n, 500_000n);
        expect(await epochResult(trading, epoch)).to.deep.include({ tickSize: TICK, feeBps: 0n });

        // p = (3001 + 1001) * 100 / 2 = 200,100; no fee although 5% is now set; the fee recipient is the current one.
        const tx = await expectClearing(ctx, epoch, {
          price: 200_100n,
          fills: [
            fill(orderId(epoch, 1), p1, Side.Sell, { filled: wh(20), payment: 4_002n }),
            fill(b, c1, Side.Buy, { filled: wh(20), payment: 4_002n, refund: 2_000n }),
          ],
        });
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(20), 200_100n, 0n, feeSink.address);
        await expectBalancesEqualAccounts(ctx);

        // The next epoch opens with the new tick and fee.
        await expect(trading.connect(c1).createBuyOrder(wh(10), 100_100n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(100_100n, 1_000n);
        await trading.connect(c1).createBuyOrder(wh(10), 100_000n);
        expect(await epochResult(trading, await trading.currentEpoch())).to.deep.include({
          status: BigInt(EpochStatus.Open),
          tickSize: 1_000n,
          feeBps: 500n,
        });
      });

      it("rejects a price the epoch's tick cannot express in 65,535 levels", async function () {
        const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setPriceRules(1n, 65_535n);
        await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: 65_535n }]);
        await trading.setPriceRules(100n, MAX_PRICE);
        await expect(trading.connect(c1).createBuyOrder(wh(10), 65_600n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(65_600n, 1n);
        expect(await trading.depthAt(epoch, Side.Buy, 65_535n)).to.equal(wh(10));
      });
    });

    describe("when orders were cancelled", function () {
      it("settles an epoch whose orders were all cancelled without paying anyone", async function () {
        const { ctx, trading, grid, usdc, p1, c1, admin, epoch } = await loadTrading();
        const [s, b] = await place(trading, book(ctx, "p1 sell 20@400_000, c1 buy 20@500_000"));
        await trading.connect(p1).cancelOrder(s);
        await trading.connect(c1).cancelOrder(b);
        await closeEpoch(trading, epoch);
        expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
        const m = trading.matchOrders(epoch, 100);
        await expect(m).to.emit(trading, "MatchProgressed").withArgs(epoch, 2n, 0n, true);
        await expect(m).to.emit(trading, "EpochMatched").withArgs(epoch, 0n, 0n, 0n, 0n);
        const tx = trading.executeTrades(epoch, 100);
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, 0n, 0n, 0n, admin.address);
        await expect(tx).not.to.emit(trading, "OrderFilled");
        await expect(tx).to.changeTokenBalances(grid, [trading], [0n]);
        await expect(tx).to.changeTokenBalances(usdc, [trading], [0n]);
        expect(await epochResult(trading, epoch)).to.deep.include({
          status: BigInt(EpochStatus.Settled),
          orderCount: 2n,
          settledCount: 2n,
        });
        expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.None), 0n]);
      });
    });

    describe("when GRID is paused during settlement", function () {
      it("credits the failed delivery to the buyer's account, which is withdrawn after unpause", async function () {
        const { ctx, trading, grid, usdc, p1, c1, epoch } = await loadTrading();
        const [s, b] = await place(trading, book(ctx, "p1 sell 30@400_000, c1 buy 20@400_000"));
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        await grid.pause();
        const tx = trading.executeTrades(epoch, 100);
        await expect(tx).to.emit(trading, "OrderFilled").withArgs(s, p1.address, wh(20), 8_000n);
        await expect(tx).to.emit(trading, "OrderFilled").withArgs(b, c1.address, wh(20), 8_000n);
        // Only the delivery to the wallet failed: the seller's unfilled GRID goes to its account as always.
        const receipt = (await (await tx).wait())!;
        expect(parsed(trading, receipt, "Credited")).to.deep.equal([[c1.address, await grid.getAddress(), wh(20)]]);
        await expect(tx).to.changeTokenBalances(usdc, [p1, c1, trading], [0n, 0n, 0n]);
        await expect(tx).to.changeTokenBalances(grid, [p1, c1, trading], [0n, 0n, 0n]);
        expect(await accountOf(ctx, p1)).to.deep.equal([wh(10), 8_000n]);
        expect(await accountOf(ctx, c1)).to.deep.equal([wh(20), 0n]);
        await expectBalancesEqualAccounts(ctx);

        await expect(trading.connect(c1).withdraw(grid, wh(20))).to.be.revertedWithCustomError(grid, "EnforcedPause");
        await grid.unpause();
        const w = trading.connect(c1).withdraw(grid, wh(20));
        await expect(w)
          .to.emit(trading, "Withdrawn")
          .withArgs(c1.address, await grid.getAddress(), wh(20));
        await expect(w).to.changeTokenBalances(grid, [c1, trading], [wh(20), -wh(20)]);
        await trading.connect(p1).withdraw(grid, wh(10));
        await trading.connect(p1).withdraw(usdc, 8_000n);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 0n]);
        expect(await accountOf(ctx, p1)).to.deep.equal([0n, 0n]);
        await expectBalancesEqualAccounts(ctx);
      });
    });
  });
});
