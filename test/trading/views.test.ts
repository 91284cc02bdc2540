import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { orderId, wh } from "../helpers/constants";
import { EpochStatus, Side, Work } from "../helpers/enums";
import { TICK, deployTradingFixture, loadTrading, oneSellFixture } from "./fixture";
import { place, closeEpoch, clear, epochResult, result, bookA } from "./helpers";
import { expectRevert } from "../helpers/reverts";

describe("Trading", function () {
  describe("#getUserOrders", function () {
    it("lists more than 15 orders of one user in time order, across storage words", async function () {
      const { trading, c1, p1, epoch } = await loadFixture(deployTradingFixture);
      const expected: bigint[] = [];
      let seq = 0;
      for (let i = 0; i < 17; i++) {
        if (i % 5 === 2) {
          await trading.connect(p1).createSellOrder(wh(10), TICK);
          seq++;
        }
        await trading.connect(c1).createBuyOrder(wh(10), TICK);
        expected.push(orderId(epoch, ++seq));
        if (i === 6 || i === 7 || i === 14 || i === 15) {
          expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal(expected);
        }
      }
      expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal(expected);
      expect(await trading.getUserOrders(p1.address, epoch)).to.deep.equal([
        orderId(epoch, 3),
        orderId(epoch, 9),
        orderId(epoch, 15),
      ]);
    });

    it("covers the user's latest epoch with orders only; earlier epochs revert, later ones are empty", async function () {
      const { trading, c1, c2, epoch } = await loadFixture(deployTradingFixture);
      const placeIn = async (e: bigint, n: number): Promise<bigint[]> => {
        if ((await trading.currentEpoch()) < e) await time.increaseTo(await trading.epochStart(e));
        const ids: bigint[] = [];
        for (let i = 0; i < n; i++) {
          await trading.connect(c2).createBuyOrder(wh(10), TICK);
          ids.push(...(await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }])));
        }
        return ids;
      };
      const first = await placeIn(epoch, 3);
      expect(first).to.deep.equal([orderId(epoch, 2), orderId(epoch, 4), orderId(epoch, 6)]);
      expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal(first);
      const third = await placeIn(epoch + 2n, 6);
      expect(await trading.getUserOrders(c1.address, epoch + 2n)).to.deep.equal(third);
      expect(third.map((id) => id >> 32n)).to.deep.equal(Array(6).fill(epoch + 2n));
      const fourth = await placeIn(epoch + 3n, 1);
      for (const e of [epoch - 1n, epoch, epoch + 1n, epoch + 2n]) {
        await expect(trading.getUserOrders(c1.address, e))
          .to.be.revertedWithCustomError(trading, "TradingHistoryPruned")
          .withArgs(c1.address, e, epoch + 3n);
      }
      expect(await trading.getUserOrders(c1.address, epoch + 3n)).to.deep.equal(fourth);
      expect(await trading.getUserOrders(c1.address, epoch + 4n)).to.deep.equal([]);
    });

    it("is empty for an epoch without the user's orders", async function () {
      const { trading, c1, c2, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
      expect(await trading.getUserOrders(c2.address, epoch)).to.deep.equal([]);
      expect(await trading.getUserOrders(c1.address, epoch + 1n)).to.deep.equal([]);
    });
  });

  describe("#getOrder", function () {
    it("reverts for an unknown id", async function () {
      const { trading, epoch } = await loadFixture(deployTradingFixture);
      await expectRevert(trading.getOrder(orderId(epoch, 1)), trading, "TradingUnknownOrder", orderId(epoch, 1));
    });
  });

  describe("#depthAt", function () {
    it("is zero for an epoch without orders, an off-tick price and a price beyond the levels", async function () {
      const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
      expect(await trading.depthAt(epoch, Side.Buy, TICK)).to.equal(0n);
      await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
      expect(await trading.depthAt(epoch, Side.Buy, TICK)).to.equal(wh(10));
      expect(await trading.depthAt(epoch, Side.Buy, TICK + 1n)).to.equal(0n);
      expect(await trading.depthAt(epoch, Side.Buy, TICK * 65_536n)).to.equal(0n);
      expect(await trading.depthAt(epoch, Side.Buy, TICK * 65_536n + TICK)).to.equal(0n);
    });
  });

  describe("#pendingEpochWork and #getEpochResult", function () {
    it("follow an epoch through Empty, Open, Closed, Matching, Settling and Settled", async function () {
      const { ctx, trading, epoch } = await loadTrading();
      const none = [BigInt(Work.None), 0n];
      expect(await trading.pendingEpochWork()).to.deep.equal(none);
      expect(await epochResult(trading, epoch)).to.deep.equal(result({ status: EpochStatus.Empty }));

      await place(trading, bookA(ctx));
      expect(await trading.pendingEpochWork()).to.deep.equal(none);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Open, orderCount: 9n, tickSize: TICK }),
      );

      await closeEpoch(trading, epoch);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Closed, orderCount: 9n, tickSize: TICK }),
      );

      await trading.matchOrders(epoch, 2);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({
          status: EpochStatus.Matching,
          volume: wh(30),
          bidPrice: 600_000n,
          askPrice: 500_000n,
          orderCount: 9n,
          tickSize: TICK,
        }),
      );

      await trading.matchOrders(epoch, 2);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Settle), epoch]);
      const matched = {
        clearingPrice: 500_000n,
        volume: wh(100),
        bidPrice: 500_000n,
        askPrice: 500_000n,
        orderCount: 9n,
        tickSize: TICK,
      };
      expect(await epochResult(trading, epoch)).to.deep.equal(result({ status: EpochStatus.Settling, ...matched }));

      await trading.executeTrades(epoch, 4);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Settle), epoch]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Settling, ...matched, settledCount: 4n }),
      );

      await trading.executeTrades(epoch, 5);
      expect(await trading.pendingEpochWork()).to.deep.equal(none);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Settled, ...matched, settledCount: 9n }),
      );
    });

    it("point the keeper at the oldest waiting epoch and report nothing while paused", async function () {
      const { trading, c1, epoch } = await loadFixture(oneSellFixture);
      await time.increaseTo(await trading.epochStart(epoch + 3n));
      await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
      await closeEpoch(trading, epoch + 3n);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      await trading.pause();
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.None), 0n]);
      await trading.unpause();
      await clear(trading, epoch);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch + 3n]);
      expect(await epochResult(trading, epoch + 1n)).to.deep.equal(result({ status: EpochStatus.Empty }));
    });
  });
});
