// Batches: several orders of either side in one call (createOrders), several cancellations (cancelOrders).
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";

import { orderId, wh } from "../helpers/constants";
import { OrderStatus, Side } from "../helpers/enums";
import { TICK, deployTradingFixture, loadTrading } from "./fixture";
import { accountOf, clear, parsed, place, book } from "./helpers";
import { expectStoppedByPause } from "../helpers/access";

/** One request of a `createOrders` batch. */
function req(side: Side, whs: number, price: bigint) {
  return { side, amount: wh(whs), price };
}

describe("Trading", function () {
  describe("#createOrders", function () {
    describe("when the batch mixes sides", function () {
      it("returns the ids in order, emits one OrderCreated per order and pulls each token once", async function () {
        const { ctx, trading, grid, usdc, mm, epoch } = await loadTrading();
        // Escrows: 10 Wh at 300,000 → 3,000; 20 Wh of GRID; 10 Wh at 100,000 → 1,000; 17 Wh of GRID.
        const requests = [
          req(Side.Buy, 10, 300_000n),
          req(Side.Sell, 20, 600_000n),
          req(Side.Buy, 10, 100_000n),
          req(Side.Sell, 17, 700_000n),
        ];
        const ids = [1, 2, 3, 4].map((seq) => orderId(epoch, seq));
        expect(await trading.connect(mm).createOrders.staticCall(requests)).to.deep.equal(ids);
        const tx = trading.connect(mm).createOrders(requests);
        const receipt = (await (await tx).wait())!;
        expect(parsed(trading, receipt, "OrderCreated")).to.deep.equal([
          [ids[0], epoch, mm.address, BigInt(Side.Buy), wh(10), 300_000n],
          [ids[1], epoch, mm.address, BigInt(Side.Sell), wh(20), 600_000n],
          [ids[2], epoch, mm.address, BigInt(Side.Buy), wh(10), 100_000n],
          [ids[3], epoch, mm.address, BigInt(Side.Sell), wh(17), 700_000n],
        ]);
        expect(parsed(trading, receipt, "Deposited")).to.deep.equal([
          [mm.address, await grid.getAddress(), wh(37)],
          [mm.address, await usdc.getAddress(), 4_000n],
        ]);
        await expect(tx).to.changeTokenBalances(grid, [mm, trading], [-wh(37), wh(37)]);
        await expect(tx).to.changeTokenBalances(usdc, [mm, trading], [-4_000n, 4_000n]);
        expect(await trading.getUserOrders(mm.address, epoch)).to.deep.equal(ids);
        expect(await trading.depthAt(epoch, Side.Buy, 300_000n)).to.equal(wh(10));
        expect(await trading.depthAt(epoch, Side.Sell, 700_000n)).to.equal(wh(17));
        expect(await accountOf(ctx, mm)).to.deep.equal([0n, 0n]);
      });

      it("reserves from the account first and pulls only the batch's total shortfall", async function () {
        const { ctx, trading, usdc, mm } = await loadTrading();
        await trading.connect(mm).deposit(usdc, 2_500n);
        const tx = trading.connect(mm).createOrders([req(Side.Buy, 10, 300_000n), req(Side.Buy, 10, 100_000n)]);
        const receipt = (await (await tx).wait())!;
        expect(parsed(trading, receipt, "Deposited")).to.deep.equal([[mm.address, await usdc.getAddress(), 1_500n]]);
        await expect(tx).to.changeTokenBalances(usdc, [mm, trading], [-1_500n, 1_500n]);
        expect(await accountOf(ctx, mm)).to.deep.equal([0n, 0n]);
      });

      it("pulls nothing when the account covers the whole batch", async function () {
        const { ctx, trading, grid, usdc, mm } = await loadTrading();
        await trading.connect(mm).deposit(usdc, 5_000n);
        await trading.connect(mm).deposit(grid, wh(30));
        const tx = trading.connect(mm).createOrders([req(Side.Sell, 30, 600_000n), req(Side.Buy, 10, 300_000n)]);
        await expect(tx).not.to.emit(trading, "Deposited");
        await expect(tx).to.changeTokenBalances(usdc, [mm, trading], [0n, 0n]);
        await expect(tx).to.changeTokenBalances(grid, [mm, trading], [0n, 0n]);
        expect(await accountOf(ctx, mm)).to.deep.equal([0n, 2_000n]);
      });
    });

    describe("when the per-epoch order limit is reached", function () {
      it("counts each order of the batch and reverts at the first order beyond the limit", async function () {
        const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setMaxOrdersPerUser(3n);
        await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
        const three = [req(Side.Buy, 10, TICK), req(Side.Buy, 10, TICK), req(Side.Buy, 10, TICK)];
        await expect(trading.connect(c1).createOrders(three))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(c1.address, epoch, 3n);
        // Two more fit: the third element above was the one beyond the limit.
        await trading.connect(c1).createOrders(three.slice(0, 2));
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([1, 2, 3].map((s) => orderId(epoch, s)));
        await expect(trading.connect(c1).createOrders([req(Side.Buy, 10, TICK)]))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(c1.address, epoch, 3n);
      });
    });

    describe("when an element is invalid", function () {
      it("reverts the whole batch, leaving no order, depth or transfer behind", async function () {
        const { trading, usdc, c1, epoch } = await loadTrading();
        const before = await usdc.balanceOf(c1.address);
        await expect(trading.connect(c1).createOrders([req(Side.Buy, 10, 300_000n), req(Side.Buy, 10, 300_050n)]))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(300_050n, TICK);
        await expect(trading.connect(c1).createOrders([req(Side.Buy, 10, 300_000n), req(Side.Sell, 10, 300_000n)]))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(c1.address, Side.Sell);
        await expect(trading.connect(c1).createOrders([req(Side.Buy, 10, 300_000n), req(Side.Buy, 0, 300_000n)]))
          .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
          .withArgs(0n, wh(10));
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([]);
        expect(await trading.depthAt(epoch, Side.Buy, 300_000n)).to.equal(0n);
        expect(await usdc.balanceOf(c1.address)).to.equal(before);
        expect((await trading.getEpochResult(epoch)).orderCount).to.equal(0n);
      });
    });

    it("reverts on an empty batch", async function () {
      const { trading, mm } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(mm).createOrders([])).to.be.revertedWithCustomError(trading, "TradingEmptyBatch");
    });

    it("reverts while paused", async function () {
      const { trading, admin, mm } = await loadFixture(deployTradingFixture);
      await expectStoppedByPause(trading, admin, () => trading.connect(mm).createOrders([req(Side.Buy, 10, TICK)]));
    });
  });

  describe("#cancelOrders", function () {
    it("cancels each order, refunding each escrow to the account", async function () {
      const { ctx, trading, grid, usdc, mm, epoch } = await loadTrading();
      const ids = await trading
        .connect(mm)
        .createOrders.staticCall([
          req(Side.Buy, 13, 123_400n),
          req(Side.Sell, 20, 600_000n),
          req(Side.Buy, 10, 300_000n),
        ]);
      await trading
        .connect(mm)
        .createOrders([req(Side.Buy, 13, 123_400n), req(Side.Sell, 20, 600_000n), req(Side.Buy, 10, 300_000n)]);
      const tx = trading.connect(mm).cancelOrders([ids[2], ids[0], ids[1]]);
      const receipt = (await (await tx).wait())!;
      expect(parsed(trading, receipt, "OrderCancelled")).to.deep.equal([
        [ids[2], epoch, mm.address, 3_000n],
        [ids[0], epoch, mm.address, 1_605n],
        [ids[1], epoch, mm.address, wh(20)],
      ]);
      await expect(tx).to.changeTokenBalances(usdc, [mm, trading], [0n, 0n]);
      await expect(tx).to.changeTokenBalances(grid, [mm, trading], [0n, 0n]);
      expect(await accountOf(ctx, mm)).to.deep.equal([wh(20), 4_605n]);
      for (const id of ids) expect((await trading.getOrder(id)).status).to.equal(BigInt(OrderStatus.Cancelled));
      expect(await trading.depthAt(epoch, Side.Sell, 600_000n)).to.equal(0n);
    });

    it("reverts the whole list when one order cannot be cancelled", async function () {
      const { ctx, trading, c1, epoch } = await loadTrading();
      const [mine, theirs] = await place(trading, book(ctx, "c1 buy 10@500_000, c2 buy 10@500_000"));
      await expect(trading.connect(c1).cancelOrders([mine, theirs]))
        .to.be.revertedWithCustomError(trading, "TradingNotOrderOwner")
        .withArgs(theirs, c1.address);
      await expect(trading.connect(c1).cancelOrders([mine, mine]))
        .to.be.revertedWithCustomError(trading, "TradingOrderNotOpen")
        .withArgs(mine, OrderStatus.Cancelled);
      expect((await trading.getOrder(mine)).status).to.equal(BigInt(OrderStatus.Open));
      expect(await accountOf(ctx, c1)).to.deep.equal([0n, 0n]);
      await clear(trading, epoch);
      expect((await trading.getOrder(mine)).status).to.equal(BigInt(OrderStatus.Settled));
    });

    it("reverts on an empty list", async function () {
      const { trading, c1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(c1).cancelOrders([])).to.be.revertedWithCustomError(trading, "TradingEmptyBatch");
    });
  });
});
