import { expect } from "chai";
import { wh } from "../helpers/constants";
import { EpochStatus, Side, Work } from "../helpers/enums";
import { Suspended, loadTrading } from "./fixture";
import {
  place,
  closeEpoch,
  expectBalancesEqualAccounts,
  epochResult,
  fill,
  expectClearing,
  accountOf,
  parsed,
  book,
  fills,
} from "./helpers";

describe("Trading", function () {
  describe("clearing", function () {
    describe("at the extreme price levels", function () {
      it("matches at the top level, 65,535", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        await trading.setPriceRules(10n, 655_350n);
        const orders = book(ctx, "p1 sell 10@653_000, p2 sell 10@655_350, c1 buy 20@655_350");
        const [s1, s2, b] = await place(trading, orders);
        await expectClearing(ctx, epoch, {
          price: 655_350n,
          matched: { volume: wh(20), bid: 655_350n, ask: 655_350n },
          fills: fills(orders, [s1, s2, b], "10:6_553 10:6_553 20:13_107"),
        });
        expect(await trading.accountBalance(admin.address, ctx.usdc)).to.equal(1n);
        await expectBalancesEqualAccounts(ctx);
      });

      it("clears an epoch whose whole volume is one watt-hour at the midpoint price", async function () {
        const { ctx, trading, epoch } = await loadTrading();
        await trading.setMinOrderAmount(wh(1));
        const orders = book(ctx, "p1 sell 1@200_000, c1 buy 1@300_000");
        const [s, b] = await place(trading, orders);
        await expectClearing(ctx, epoch, {
          price: 250_000n,
          matched: { volume: wh(1), bid: 300_000n, ask: 200_000n },
          fills: fills(orders, [s, b], "1:250 1:250:50"),
        });
        await expectBalancesEqualAccounts(ctx);
      });

      it("ends the walk when the asks run out in the last bitmap word", async function () {
        const { ctx, trading, epoch } = await loadTrading();
        await trading.setPriceRules(10n, 655_350n);
        const orders = book(ctx, "p1 sell 10@654_000, c1 buy 20@655_350, c2 buy 10@10");
        const [s, b1, b2] = await place(trading, orders);
        await expectClearing(ctx, epoch, {
          price: 654_675n,
          matched: { volume: wh(10), bid: 655_350n, ask: 654_000n },
          fills: fills(orders, [s, b1, b2], "10:6_546 10:6_547:6_560 0:0:1"),
        });
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when one bid level meets several ask levels", function () {
      it("allocates at b* everything matched there across the walk", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        // Bids: 5000 → 100 Wh (c1 30, c2 50, c3 20). Asks: 3000 → 20, 4000 → 30, 4500 → 25, 6000 → 10.
        // Walk: 20, 30 and 25 at b* = 5000; asks move to 6000 > 5000: a* = 4500, p = 475,000, volume 75.
        const orders = book(
          ctx,
          "c1 buy 30@500_000, p1 sell 20@300_000, c2 buy 50@500_000, p2 sell 30@400_000, c3 buy 20@500_000, p3 sell 25@450_000, p1 sell 10@600_000",
        );
        const ids = await place(trading, orders);
        const tx = await expectClearing(ctx, epoch, {
          price: 475_000n,
          progressed: { steps: 3n, volume: wh(75) },
          matched: { volume: wh(75), bid: 500_000n, ask: 450_000n },
          fills: fills(orders, ids, "30:14_250:750 20:9_500 45:21_375:3_625 30:14_250 0:0:10_000 25:11_875 0:0:10"),
        });
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(75), 475_000n, 0n, admin.address);
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when orders were cancelled", function () {
      it("clears over the active orders only, stepping over emptied levels", async function () {
        const { ctx, trading, p1, c1, c2, epoch } = await loadTrading();
        // The cancelled 600,000 bid would set b*; without it b* = 500,000 and p = (5000 + 4000) * 100 / 2.
        const [top, b, s] = await place(trading, book(ctx, "c1 buy 40@600_000, c2 buy 20@500_000, p1 sell 20@400_000"));
        await trading.connect(c1).cancelOrder(top);
        await expectClearing(ctx, epoch, {
          price: 450_000n,
          progressed: { steps: 3n, volume: wh(20) },
          matched: { volume: wh(20), bid: 500_000n, ask: 400_000n },
          fills: [
            fill(b, c2, Side.Buy, { filled: wh(20), payment: 9_000n, refund: 1_000n }),
            fill(s, p1, Side.Sell, { filled: wh(20), payment: 9_000n }),
          ],
        });
        await expectBalancesEqualAccounts(ctx);
      });

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

    describe("when an owner is suspended after placing orders", function () {
      it("still settles them by the clearing rule", async function () {
        const { ctx, trading, registry, p1, c1, epoch } = await loadTrading();
        const orders = book(ctx, "p1 sell 20@400_000, c1 buy 20@400_000");
        const [s, b] = await place(trading, orders);
        await registry.updateUserStatus(p1.address, Suspended);
        await registry.updateUserStatus(c1.address, Suspended);
        await expectClearing(ctx, epoch, {
          price: 400_000n,
          fills: fills(orders, [s, b], "20:8_000 20:8_000"),
        });
        await expectBalancesEqualAccounts(ctx);
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
        await expect(tx)
          .to.emit(trading, "OrderFilled")
          .withArgs(s, epoch, p1.address, Side.Sell, wh(20), 400_000n, 8_000n, 0n, wh(10));
        await expect(tx)
          .to.emit(trading, "OrderFilled")
          .withArgs(b, epoch, c1.address, Side.Buy, wh(20), 400_000n, 8_000n, 0n, 0n);
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

    it("settles a removed market maker's open orders", async function () {
      const { ctx, trading, mm, epoch } = await loadTrading();
      const orders = book(ctx, "mm sell 50@80_000, c1 buy 50@120_000");
      const [s, b] = await place(trading, orders);
      await trading.removeMarketMaker(mm.address);
      await expectClearing(ctx, epoch, {
        price: 100_000n,
        batch: 10,
        fills: fills(orders, [s, b], "50:5_000 50:5_000:1_000"),
      });
      await expectBalancesEqualAccounts(ctx);
    });
  });
});
