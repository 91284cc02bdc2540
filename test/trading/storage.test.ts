// What lives how long: order slots are reused by a later epoch once their epoch is settled and the epoch after it
// has opened (four banks, the lowest free one taken first), depth rooms once their epoch is matched, a user's
// order list covers its latest epoch with orders only, and a settled order's fill is derived from the epoch's
// margins and time-priority cut.
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";

import { wh } from "../helpers/constants";
import { OrderStatus, Side } from "../helpers/enums";
import { TICK, type Ctx, loadTrading } from "./fixture";
import { bookA, clear, closeEpoch, order, place, book, expectOrder } from "./helpers";
import { expectRevert } from "../helpers/reverts";

/** Moves to `epoch` (to its start, unless already in it) and places one minimum buy order of `ctx.c2` there. */
async function orderIn(ctx: Ctx, epoch: bigint): Promise<bigint> {
  if ((await ctx.trading.currentEpoch()) < epoch) await time.increaseTo(await ctx.trading.epochStart(epoch));
  expect(await ctx.trading.currentEpoch()).to.equal(epoch);
  const [id] = await place(ctx.trading, [{ signer: ctx.c2, side: Side.Buy, wh: 10, price: TICK }]);
  return id;
}

describe("Trading", function () {
  describe("order storage", function () {
    describe("when an epoch is settled and two more epochs received orders", function () {
      it("reuses its bank: its orders and lists are pruned, the new epoch's are readable", async function () {
        const { ctx, trading, p1, c1, epoch } = await loadTrading();
        const [sell, buy] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: TICK },
          { signer: c1, side: Side.Buy, wh: 10, price: TICK },
        ]);
        await clear(trading, epoch);
        // The next epoch leaves the settled epoch's bank alone: its orders stay readable through it.
        await orderIn(ctx, epoch + 1n);
        await expectOrder(trading, sell, [p1, Side.Sell, OrderStatus.Settled, epoch, wh(10), TICK, wh(10)]);
        expect(await trading.getUserOrders(p1.address, epoch)).to.deep.equal([sell]);

        // The one after takes the settled epoch's bank, the lowest free one.
        await time.increaseTo(await trading.epochStart(epoch + 2n));
        const [fresh] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 20, price: 2n * TICK }]);
        expect(fresh & 0xffffffffn).to.equal(sell & 0xffffffffn);
        for (const id of [sell, buy]) {
          await expect(trading.getOrder(id)).to.be.revertedWithCustomError(trading, "TradingOrderPruned").withArgs(id);
        }
        await expectRevert(trading.connect(p1).cancelOrder(sell), trading, "TradingOrderPruned", sell);
        await expectOrder(trading, fresh, [c1, Side.Buy, OrderStatus.Open, epoch + 2n, wh(20), 2n * TICK, 0n]);
        // The epoch in between kept its own bank.
        expect(await trading.getUserOrders(ctx.c2.address, epoch + 1n)).to.have.length(1);

        // p1's latest epoch with orders is the settled one, but its slots are gone; c1 has a later epoch.
        await expect(trading.getUserOrders(p1.address, epoch))
          .to.be.revertedWithCustomError(trading, "TradingHistoryPruned")
          .withArgs(p1.address, epoch, epoch);
        await expect(trading.getUserOrders(c1.address, epoch))
          .to.be.revertedWithCustomError(trading, "TradingHistoryPruned")
          .withArgs(c1.address, epoch, epoch + 2n);
        expect(await trading.getUserOrders(c1.address, epoch + 2n)).to.deep.equal([fresh]);
        expect(await trading.getUserOrders(p1.address, epoch + 3n)).to.deep.equal([]);
        expect(await trading.getUserOrders(c1.address, epoch + 3n)).to.deep.equal([]);
      });
    });

    describe("when a later epoch takes the depth room of epochs with other price levels", function () {
      it("reads none of the levels and depths the earlier epochs left in the room's words and slots", async function () {
        const { ctx, trading, p1, c1, epoch } = await loadTrading();
        await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: 5n * TICK },
          { signer: c1, side: Side.Buy, wh: 10, price: 9n * TICK },
        ]);
        await clear(trading, epoch);
        // The matched epoch's depth room passes on at once: epoch + 1 writes level 1 beside levels 5 and 9.
        await orderIn(ctx, epoch + 1n);
        expect(await trading.depthAt(epoch, Side.Buy, 9n * TICK)).to.equal(wh(10));
        expect(await trading.depthAt(epoch + 1n, Side.Buy, 9n * TICK)).to.equal(0n);
        await clear(trading, epoch + 1n);
        // The same room again: the same bitmap words and depth slots as levels 1, 5 and 9.
        const later = epoch + 2n;
        if ((await trading.currentEpoch()) < later) await time.increaseTo(await trading.epochStart(later));
        await place(trading, [
          { signer: p1, side: Side.Sell, wh: 20, price: 6n * TICK },
          { signer: c1, side: Side.Buy, wh: 20, price: 7n * TICK },
        ]);
        expect(await trading.depthAt(later, Side.Sell, 5n * TICK)).to.equal(0n);
        expect(await trading.depthAt(later, Side.Buy, 9n * TICK)).to.equal(0n);
        expect(await trading.depthAt(later, Side.Buy, TICK)).to.equal(0n);
        expect(await trading.depthAt(later, Side.Sell, 6n * TICK)).to.equal(wh(20));
        // The earlier epochs' depth is gone from the room with their tags.
        expect(await trading.depthAt(epoch, Side.Buy, 9n * TICK)).to.equal(0n);
        await closeEpoch(trading, later);
        // One bid level and one ask level, both used up: two steps, no stale level walked.
        await expect(trading.matchOrders(later, 100))
          .to.emit(trading, "MatchProgressed")
          .withArgs(later, 2n, wh(20), true);
      });
    });

    describe("when clearing stalled for more than three epochs", function () {
      it("gives the epoch that finds its bank busy fresh slots, readable for good", async function () {
        const { ctx, trading, p1, p2, c1, c3, epoch } = await loadTrading();
        const [oldSell, oldBuy] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: TICK },
          { signer: c1, side: Side.Buy, wh: 10, price: TICK },
        ]);
        for (const e of [epoch + 1n, epoch + 2n, epoch + 3n]) await orderIn(ctx, e);
        await time.increaseTo(await trading.epochStart(epoch + 4n));
        const late = epoch + 4n;
        const [sell, buy] = await place(trading, book(ctx, "p2 sell 30@300_000, c3 buy 20@400_000"));
        // Both epochs' orders are readable side by side.
        expect((await order(trading, oldSell)).status).to.equal(BigInt(OrderStatus.Open));
        expect((await order(trading, sell)).owner).to.equal(p2.address);
        expect(await trading.getUserOrders(c3.address, late)).to.deep.equal([buy]);
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([oldBuy]);

        for (let e = epoch; e <= late; e++) await clear(trading, e);
        expect(await order(trading, sell)).to.deep.include({ status: BigInt(OrderStatus.Settled), filled: wh(20) });
        expect(await order(trading, buy)).to.deep.include({ status: BigInt(OrderStatus.Settled), filled: wh(20) });
        expect(await order(trading, oldSell)).to.deep.include({ status: BigInt(OrderStatus.Settled), filled: wh(10) });

        // The stalled epoch's bank, now free, goes to a later epoch; the fresh slots stay.
        await orderIn(ctx, epoch + 8n);
        await expectRevert(trading.getOrder(oldSell), trading, "TradingOrderPruned", oldSell);
        await expectOrder(trading, sell, [p2, Side.Sell, OrderStatus.Settled, late, wh(30), 300_000n, wh(20)]);
        expect(await trading.getUserOrders(c3.address, late)).to.deep.equal([buy]);
      });
    });

    describe("when settlement passes a time-priority cut", function () {
      it("shows the exact partial fill at the ask cut and nothing after it, batch by batch", async function () {
        const { ctx, trading, p2, p3, epoch } = await loadTrading();
        // Book A: at a* = 5000, 80 Wh of 100 match: p2 50 (id 4), p3 30 of 40 (id 6, the cut), p2 0 (id 9).
        const ids = await place(trading, bookA(ctx));
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        await trading.executeTrades(epoch, 6);
        await expectOrder(trading, ids[5], [p3, Side.Sell, OrderStatus.Settled, epoch, wh(40), 500_000n, wh(30)]);
        // Not settled yet: open, nothing filled.
        expect(await order(trading, ids[8])).to.deep.include({ status: BigInt(OrderStatus.Open), filled: 0n });
        await trading.executeTrades(epoch, 1);
        await trading.executeTrades(epoch, 2);
        expect(await order(trading, ids[3])).to.deep.include({ owner: p2.address, filled: wh(50) });
        expect(await order(trading, ids[5])).to.deep.include({ filled: wh(30) });
        await expectOrder(trading, ids[8], [p2, Side.Sell, OrderStatus.Settled, epoch, wh(10), 500_000n, 0n]);
      });

      it("shows the exact partial fill at the bid cut and nothing after it", async function () {
        const { ctx, trading, c2, epoch } = await loadTrading();
        // At b* = 4000, 60 Wh of 100 fill: c1 50, c2 10 of 30 (the cut), c3 0; p = 350,000.
        const [, b1, b2, b3, b4] = await place(
          trading,
          book(
            ctx,
            "p1 sell 70@300_000, c1 buy 50@400_000, c2 buy 30@400_000, c3 buy 20@400_000, c1 buy 10@500_000, p2 sell 10@450_000",
          ),
        );
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        const filled = async (id: bigint) => (await order(trading, id)).filled;
        // Halfway (the cut settled, the epoch still settling), the fills are already exact.
        for (let i = 0; i < 3; i++) await trading.executeTrades(epoch, 1);
        expect([await filled(b1), await filled(b2)]).to.deep.equal([wh(50), wh(10)]);
        expect(await order(trading, b3)).to.deep.include({ status: BigInt(OrderStatus.Open), filled: 0n });
        for (let i = 3; i < 6; i++) await trading.executeTrades(epoch, 1);
        expect([await filled(b1), await filled(b2), await filled(b3), await filled(b4)]).to.deep.equal([
          wh(50),
          wh(10),
          0n,
          wh(10),
        ]);
        await expectOrder(trading, b2, [c2, Side.Buy, OrderStatus.Settled, epoch, wh(30), 400_000n, wh(10)]);
      });
    });
  });
});
