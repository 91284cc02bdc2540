import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { wh } from "../helpers/constants";
import { EpochStatus, OrderStatus, Side } from "../helpers/enums";
import { TICK, deployTradingFixture, loadTrading, oneSellClosedFixture } from "./fixture";
import {
  place,
  closeEpoch,
  clear,
  expectBalancesEqualAccounts,
  epochResult,
  order,
  bookA,
  bookAFills,
  fill,
  parsed,
  expectClearing,
  book,
} from "./helpers";
import { expectStoppedByPause } from "../helpers/access";

describe("Trading", function () {
  describe("#executeTrades", function () {
    describe("when the call is not allowed", function () {
      it("reverts on a zero batch", async function () {
        const { trading, epoch } = await loadFixture(oneSellClosedFixture);
        await trading.matchOrders(epoch, 10);
        await expect(trading.executeTrades(epoch, 0)).to.be.revertedWithCustomError(trading, "TradingZeroBatch");
      });

      it("reverts unless the epoch is settling", async function () {
        const { ctx, trading, epoch } = await loadTrading();
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Empty);
        await place(trading, bookA(ctx));
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Open);
        await closeEpoch(trading, epoch);
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Closed);
        await trading.matchOrders(epoch, 1);
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Matching);
        await trading.matchOrders(epoch, 10);
        await trading.executeTrades(epoch, 10);
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Settled);
      });

      it("reverts while paused", async function () {
        const { trading, admin, epoch } = await loadFixture(oneSellClosedFixture);
        await trading.matchOrders(epoch, 10);
        await expectStoppedByPause(trading, admin, () => trading.executeTrades(epoch, 10));
      });
    });

    it("settles in batches with the same outcome, emitting EpochSettled only at the end", async function () {
      const { ctx, trading, admin, epoch } = await loadTrading();
      const ids = await place(trading, bookA(ctx));
      await closeEpoch(trading, epoch);
      await trading.connect(ctx.outsider).matchOrders(epoch, 100);
      const events: unknown[][] = [];
      for (const [i, size] of [2, 3, 4].entries()) {
        const tx = trading.connect(ctx.outsider).executeTrades(epoch, size);
        const receipt = await (await tx).wait();
        events.push(...parsed(trading, receipt!, "OrderFilled"));
        if (i < 2) {
          await expect(tx).not.to.emit(trading, "EpochSettled");
          expect(await epochResult(trading, epoch)).to.deep.include({
            status: BigInt(EpochStatus.Settling),
            settledCount: BigInt([2, 5][i]),
          });
        } else {
          await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(100), 500_000n, 0n, admin.address);
        }
      }
      expect(events).to.deep.equal(bookAFills(ctx, ids).map((f) => [f.id, f.owner.address, f.filled, f.payment]));
      await expectBalancesEqualAccounts(ctx);
    });

    it("keeps the ask margin's remainder across batches that fill only sells at it", async function () {
      // The buy (the bid margin) settles first, alone; each later one-order batch fills a sell at the ask margin and
      // leaves the bid margin as it was, so what remains to allocate at the ask margin must be written by itself.
      const { ctx, trading, p1, p2, p3, c1, epoch } = await loadTrading();
      const [b1, s1, s2, s3] = await place(
        trading,
        book(ctx, "c1 buy 25@300_000, p1 sell 10@200_000, p2 sell 10@200_000, p3 sell 10@200_000"),
      );
      await closeEpoch(trading, epoch);
      await expect(trading.matchOrders(epoch, 100))
        .to.emit(trading, "EpochMatched")
        .withArgs(epoch, 250_000n, wh(25), 300_000n, 200_000n);
      const events: unknown[][] = [];
      for (let i = 0; i < 4; i++) {
        const receipt = await (await trading.executeTrades(epoch, 1)).wait();
        events.push(...parsed(trading, receipt!, "OrderFilled"));
      }
      expect(events).to.deep.equal([
        [b1, c1.address, wh(25), 6_250n],
        [s1, p1.address, wh(10), 2_500n],
        [s2, p2.address, wh(10), 2_500n],
        [s3, p3.address, wh(5), 1_250n],
      ]);
      expect(await order(trading, s3)).to.deep.include({ status: BigInt(OrderStatus.Settled), filled: wh(5) });
      await expectBalancesEqualAccounts(ctx);
    });

    it("settles every remaining order when the batch size is the largest uint256", async function () {
      const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [
        { signer: p1, side: Side.Sell, wh: 10, price: TICK },
        { signer: c1, side: Side.Buy, wh: 10, price: TICK },
      ]);
      await closeEpoch(trading, epoch);
      await trading.matchOrders(epoch, ethers.MaxUint256);
      await expect(trading.executeTrades(epoch, ethers.MaxUint256))
        .to.emit(trading, "EpochSettled")
        .withArgs(epoch, wh(10), TICK, 0n, await trading.feeRecipient());
    });

    it("skips cancelled orders without a confirmation but counts them as settled", async function () {
      const { ctx, trading, p1, p2, c1, epoch } = await loadTrading();
      const [s1, s2, b1] = await place(trading, book(ctx, "p1 sell 20@100_000, p2 sell 20@200_000, c1 buy 20@300_000"));
      await trading.connect(p1).cancelOrder(s1);
      await expectClearing(ctx, epoch, {
        price: 250_000n,
        matched: { volume: wh(20), bid: 300_000n, ask: 200_000n },
        batch: 10,
        fills: [
          fill(s2, p2, Side.Sell, { filled: wh(20), payment: 5_000n }),
          fill(b1, c1, Side.Buy, { filled: wh(20), payment: 5_000n, refund: 1_000n }),
        ],
      });
      expect(await order(trading, s1)).to.deep.include({ status: BigInt(OrderStatus.Cancelled), filled: 0n });
      expect((await epochResult(trading, epoch)).settledCount).to.equal(3n);
      await expectBalancesEqualAccounts(ctx);
    });
  });

  describe("#withdraw", function () {
    it("pays out the fee recipient's credit", async function () {
      const { ctx, trading, usdc, admin, epoch } = await loadTrading();
      await place(trading, book(ctx, "p1 sell 13@123_400, p2 sell 17@123_400, c1 buy 11@123_500, c2 buy 19@123_500"));
      await clear(trading, epoch);
      const tx = trading.withdraw(usdc, 2n);
      await expect(tx)
        .to.emit(trading, "Withdrawn")
        .withArgs(admin.address, await usdc.getAddress(), 2n);
      await expect(tx).to.changeTokenBalances(usdc, [admin, trading], [2n, -2n]);
      expect(await trading.accountBalance(admin.address, usdc)).to.equal(0n);
      await expect(trading.withdraw(usdc, 1n))
        .to.be.revertedWithCustomError(trading, "TradingInsufficientBalance")
        .withArgs(admin.address, await usdc.getAddress(), 0n, 1n);
      await expectBalancesEqualAccounts(ctx);
    });

    it("works while paused", async function () {
      const { ctx, trading, usdc, p1, feeSink, epoch } = await loadTrading();
      await trading.setFee(1_000n, feeSink.address);
      await place(trading, book(ctx, "p1 sell 100@100_000, c1 buy 100@100_000"));
      await clear(trading, epoch);
      await trading.pause();
      await expect(trading.connect(feeSink).withdraw(usdc, 1_000n)).to.changeTokenBalances(
        usdc,
        [feeSink, trading],
        [1_000n, -1_000n],
      );
      await expect(trading.connect(p1).withdraw(usdc, 9_000n)).to.changeTokenBalances(
        usdc,
        [p1, trading],
        [9_000n, -9_000n],
      );
      expect(await usdc.balanceOf(trading)).to.equal(0n);
    });
  });
});
