import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { orderId, wh } from "../helpers/constants";
import { OrderStatus, Side } from "../helpers/enums";
import { TICK, deployTradingFixture, loadTrading, oneSellFixture } from "./fixture";
import { accountOf, place, clear, book } from "./helpers";
import { expectRevert } from "../helpers/reverts";

type Ctx = Awaited<ReturnType<typeof deployTradingFixture>>;

describe("Trading", function () {
  describe("#cancelOrder", function () {
    describe("when the owner cancels an open order before gate closure", function () {
      it("returns a sell order's GRID to the account at once", async function () {
        const { ctx, trading, grid, p1, epoch } = await loadTrading();
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 250, price: 400_000n }]);
        const tx = trading.connect(p1).cancelOrder(id);
        await expect(tx).to.emit(trading, "OrderCancelled").withArgs(id, epoch, p1.address, wh(250));
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [0n, 0n]);
        expect(await accountOf(ctx, p1)).to.deep.equal([wh(250), 0n]);
      });

      it("returns a buy order's whole rounded-up escrow to the account", async function () {
        const { ctx, trading, usdc, c1, epoch } = await loadTrading();
        const [id] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 13, price: 123_400n }]);
        const tx = trading.connect(c1).cancelOrder(id);
        await expect(tx).to.emit(trading, "OrderCancelled").withArgs(id, epoch, c1.address, 1_605n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [0n, 0n]);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 1_605n]);
      });

      it("marks the order cancelled and removes it from the depth", async function () {
        const { ctx, trading, c1, epoch } = await loadTrading();
        const [id] = await place(trading, book(ctx, "c1 buy 13@123_400, c2 buy 20@123_400"));
        await trading.connect(c1).cancelOrder(id);
        expect((await trading.getOrder(id)).status).to.equal(BigInt(OrderStatus.Cancelled));
        expect(await trading.depthAt(epoch, Side.Buy, 123_400n)).to.equal(wh(20));
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([id]);
      });

      it("works at the last second of the epoch", async function () {
        const { trading, p1, epoch, sellId: id } = await loadFixture(oneSellFixture);
        await time.setNextBlockTimestamp((await trading.epochEnd(epoch)) - 1n);
        await expect(trading.connect(p1).cancelOrder(id))
          .to.emit(trading, "OrderCancelled")
          .withArgs(id, epoch, p1.address, wh(10));
      });

      it("works while paused, and the refund can be withdrawn while paused", async function () {
        const { ctx, trading, usdc, c1, epoch } = await loadTrading();
        const [id] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: 500_000n }]);
        await trading.pause();
        const tx = trading.connect(c1).cancelOrder(id);
        await expect(tx).to.emit(trading, "OrderCancelled").withArgs(id, epoch, c1.address, 5_000n);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 5_000n]);
        await expect(trading.connect(c1).withdraw(usdc, 5_000n)).to.changeTokenBalances(
          usdc,
          [c1, trading],
          [5_000n, -5_000n],
        );
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 0n]);
      });

      it("lets the emptied price level be used again", async function () {
        const { trading, p1, p2, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: 200_000n }]);
        await trading.connect(p1).cancelOrder(id);
        expect(await trading.depthAt(epoch, Side.Sell, 200_000n)).to.equal(0n);
        await place(trading, [{ signer: p2, side: Side.Sell, wh: 30, price: 200_000n }]);
        expect(await trading.depthAt(epoch, Side.Sell, 200_000n)).to.equal(wh(30));
      });
    });

    describe("when the order cannot be cancelled", function () {
      it("reverts for an unknown order", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).cancelOrder(orderId(epoch, 7)))
          .to.be.revertedWithCustomError(trading, "TradingUnknownOrder")
          .withArgs(orderId(epoch, 7));
      });

      it("reverts for another user's order", async function () {
        const { trading, p2, sellId: id } = await loadFixture(oneSellFixture);
        await expectRevert(trading.connect(p2).cancelOrder(id), trading, "TradingNotOrderOwner", id, p2.address);
      });

      const closed = [
        {
          state: "a cancelled",
          status: OrderStatus.Cancelled,
          close: (c: Ctx, id: bigint) => c.trading.connect(c.p1).cancelOrder(id),
        },
        { state: "a settled", status: OrderStatus.Settled, close: (c: Ctx) => clear(c.trading, c.epoch) },
      ];
      for (const c of closed) {
        it(`reverts for ${c.state} order`, async function () {
          const { ctx, trading, p1 } = await loadTrading();
          const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
          await c.close(ctx, id);
          await expectRevert(trading.connect(p1).cancelOrder(id), trading, "TradingOrderNotOpen", id, c.status);
        });
      }

      it("reverts from gate closure on, until settled", async function () {
        const { trading, p1, epoch, sellId: id } = await loadFixture(oneSellFixture);
        const end = await trading.epochEnd(epoch);
        await time.setNextBlockTimestamp(end);
        await expectRevert(trading.connect(p1).cancelOrder(id), trading, "TradingGateClosed", id, end);
        await trading.matchOrders(epoch, 1);
        await expectRevert(trading.connect(p1).cancelOrder(id), trading, "TradingGateClosed", id, end);
      });
    });
  });
});
