import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { orderId, wh } from "../helpers/constants";
import { EpochStatus, Side } from "../helpers/enums";
import { TICK, MAX_PRICE, deployTradingFixture, loadTrading } from "./fixture";
import {
  place,
  expectBalancesEqualAccounts,
  epochResult,
  bookA,
  bookAFills,
  fill,
  expectClearing,
  book,
  fills,
  expectFeeCredit,
} from "./helpers";

describe("Trading", function () {
  describe("clearing", function () {
    describe("when nothing crosses", function () {
      it("refunds every order in full at price 0", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        const orders = book(ctx, "p1 sell 40@400_000, c1 buy 13@123_400");
        const [s, b] = await place(trading, orders);
        const tx = await expectClearing(ctx, epoch, {
          price: 0n,
          progressed: { steps: 0n, volume: 0n },
          matched: { volume: 0n, bid: 0n, ask: 0n },
          batch: 10,
          fills: fills(orders, [s, b], "0:0:40 0:0:1_605"),
        });
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, 0n, 0n, 0n, admin.address);
        await expect(tx).not.to.emit(trading, "Credited");
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when only one side has orders", function () {
      it("refunds the sellers", async function () {
        const { ctx, trading, epoch } = await loadTrading();
        const orders = book(ctx, "p1 sell 40@400_000, p2 sell 15@100_000");
        const [s1, s2] = await place(trading, orders);
        await expectClearing(ctx, epoch, {
          price: 0n,
          matched: { volume: 0n, bid: 0n, ask: 0n },
          batch: 10,
          fills: fills(orders, [s1, s2], "0:0:40 0:0:15"),
        });
        await expectBalancesEqualAccounts(ctx);
      });

      it("refunds the buyers", async function () {
        const { ctx, trading, c1, epoch } = await loadTrading();
        const [b] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 40, price: 400_000n }]);
        await expectClearing(ctx, epoch, {
          price: 0n,
          progressed: { steps: 0n, volume: 0n },
          batch: 10,
          fills: [fill(b, c1, Side.Buy, { filled: 0n, refund: 16_000n })],
        });
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when every order has the same price", function () {
      it("fills the short side fully and the long side by time priority", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        const orders = book(ctx, "p1 sell 30@500_000, c1 buy 25@500_000, p2 sell 20@500_000, c2 buy 35@500_000");
        const [s1, b1, s2, b2] = await place(trading, orders);
        const tx = await expectClearing(ctx, epoch, {
          price: 500_000n,
          matched: { volume: wh(50), bid: 500_000n, ask: 500_000n },
          batch: 10,
          fills: fills(orders, [s1, b1, s2, b2], "30:15_000 25:12_500 20:10_000 25:12_500:5_000"),
        });
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(50), 500_000n, 0n, admin.address);
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when several orders tie at the ask margin", function () {
      it("fills better prices fully and the margin by time priority, one order partially", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        const ids = await place(trading, bookA(ctx));
        const tx = await expectClearing(ctx, epoch, { price: 500_000n, fills: bookAFills(ctx, ids) });
        await expectFeeCredit(ctx, epoch, tx, admin, { volume: wh(100), price: 500_000n, credit: 0n });
      });
    });

    describe("when several orders tie at the bid margin", function () {
      it("fills better prices fully and the margin by time priority, one order partially", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        // Asks: 3000 → 70 Wh, 4500 → 10 Wh. Bids: 5000 → 10 Wh, 4000 → 100 Wh (c1 50, c2 30, c3 20).
        // Walk: 10 at (5000, 3000), then 60 at (4000, 3000); asks move to 4500 > 4000: b* 4000, a* 3000.
        // p = (400,000 + 300,000) / 2 = 350,000; 60 Wh of the 100 at b* fill: c1 50, c2 10, c3 0.
        const orders = book(
          ctx,
          "p1 sell 70@300_000, c1 buy 50@400_000, c2 buy 30@400_000, c3 buy 20@400_000, c1 buy 10@500_000, p2 sell 10@450_000",
        );
        const [s1, b1, b2, b3, b4, s2] = await place(trading, orders);
        const tx = await expectClearing(ctx, epoch, {
          price: 350_000n,
          progressed: { steps: 2n, volume: wh(70) },
          matched: { volume: wh(70), bid: 400_000n, ask: 300_000n },
          fills: fills(
            orders,
            [s1, b1, b2, b3, b4, s2],
            "70:24_500 50:17_500:2_500 10:3_500:8_500 0:0:8_000 10:3_500:1_500 0:0:10",
          ),
        });
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(70), 350_000n, 0n, admin.address);
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when the amounts do not divide evenly", function () {
      it("rounds buyers up and sellers down and credits the remainder to the fee recipient", async function () {
        const { ctx, trading, admin, epoch } = await loadTrading();
        // Bids at 123,500, asks at 123,400: p = (1235 + 1234) * 100 / 2 = 123,450.
        const orders = book(ctx, "p1 sell 13@123_400, p2 sell 17@123_400, c1 buy 11@123_500, c2 buy 19@123_500");
        const [s1, s2, b1, b2] = await place(trading, orders);
        // Sellers: 13 * 123.45 = 1,604.85 → 1,604; 17 * 123.45 = 2,098.65 → 2,098.
        // Buyers: 11 * 123.45 = 1,357.95 → 1,358 of an escrow of ceil(1,358.5) = 1,359;
        //         19 * 123.45 = 2,345.55 → 2,346 of an escrow of ceil(2,346.5) = 2,347.
        const tx = await expectClearing(ctx, epoch, {
          price: 123_450n,
          matched: { volume: wh(30), bid: 123_500n, ask: 123_400n },
          fills: fills(orders, [s1, s2, b1, b2], "13:1_604 17:2_098 11:1_358:1 19:2_346:1"),
        });
        await expectFeeCredit(ctx, epoch, tx, admin, { volume: wh(30), price: 123_450n, credit: 2n });
      });
    });

    describe("when a fee is set", function () {
      it("takes feeBps of the seller's proceeds and credits fee plus rounding to the recipient", async function () {
        const { ctx, trading, feeSink, epoch } = await loadTrading();
        await trading.setFee(250n, feeSink.address);
        const orders = book(ctx, "p1 sell 37@200_000, c1 buy 37@300_100");
        const [s, b] = await place(trading, orders);
        // p = (3001 + 2000) * 100 / 2 = 250,050; 37 Wh are worth 9,251.85.
        // Seller: floor 9,251, fee floor(9,251 * 2.5%) = 231, net 9,020. Buyer: ceil 9,252 of ceil(11,103.7) = 11,104.
        const tx = await expectClearing(ctx, epoch, {
          price: 250_050n,
          matched: { volume: wh(37), bid: 300_100n, ask: 200_000n },
          fills: fills(orders, [s, b], "37:9_020:0:231 37:9_252:1_852"),
        });
        await expectFeeCredit(ctx, epoch, tx, feeSink, { volume: wh(37), price: 250_050n, credit: 232n });
      });
    });

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
  });
});
