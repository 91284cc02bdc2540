import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";

import { signPermit } from "../helpers/eip712";
import { orderId, wh } from "../helpers/constants";
import { Side } from "../helpers/enums";
import { deployTradingFixture } from "./fixture";

describe("Trading", function () {
  describe("permit variants", function () {
    describe("#createSellOrderWithPermit", function () {
      it("places the order with a signed GRID permit and no prior allowance", async function () {
        const { trading, grid, p1, epoch } = await loadFixture(deployTradingFixture);
        await grid.connect(p1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        const tx = trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(25), 300_000n, wh(25));
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [-wh(25), wh(25)]);
        expect(await grid.nonces(p1.address)).to.equal(1n);
        expect(await grid.allowance(p1.address, trading)).to.equal(0n);
      });

      it("still places the order when a front-runner already used the permit", async function () {
        const { trading, grid, p1, outsider, epoch } = await loadFixture(deployTradingFixture);
        await grid.connect(p1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        await grid.connect(outsider).permit(p1.address, trading, wh(25), deadline, sig.v, sig.r, sig.s);
        await expect(trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(25), 300_000n, wh(25));
      });

      it("reverts with the token's error when the permit is invalid and the allowance is short", async function () {
        const { trading, grid, p1, p2 } = await loadFixture(deployTradingFixture);
        await grid.connect(p1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p2, await trading.getAddress(), wh(25), deadline);
        await expect(trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s))
          .to.be.revertedWithCustomError(grid, "ERC20InsufficientAllowance")
          .withArgs(await trading.getAddress(), 0n, wh(25));
      });

      it("reverts while paused", async function () {
        const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
        await trading.pause();
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        await expect(
          trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s),
        ).to.be.revertedWithCustomError(trading, "EnforcedPause");
      });
    });

    describe("#createBuyOrderWithPermit", function () {
      it("places the order with a permit of the rounded-up escrow", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        const tx = trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n, 1_605n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-1_605n, 1_605n]);
        expect(await usdc.nonces(c1.address)).to.equal(1n);
        expect(await usdc.allowance(c1.address, trading)).to.equal(0n);
      });

      it("still places the order when a front-runner already used the permit", async function () {
        const { trading, usdc, c1, outsider, epoch } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        await usdc.connect(outsider).permit(c1.address, trading, 1_605n, deadline, sig.v, sig.r, sig.s);
        await expect(trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n, 1_605n);
      });

      it("pulls only the shortfall under the permit when the account covers part of the escrow", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.connect(c1).deposit(usdc, 605n);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        const tx = trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n, 1_605n);
        await expect(tx)
          .to.emit(trading, "Deposited")
          .withArgs(c1.address, await usdc.getAddress(), 1_000n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-1_000n, 1_000n]);
        expect(await usdc.allowance(c1.address, trading)).to.equal(605n);
        expect(await trading.accountBalance(c1.address, usdc)).to.equal(0n);
      });

      it("reverts with the token's error when the permit has expired and the allowance is short", async function () {
        const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest());
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        await expect(trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s))
          .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
          .withArgs(await trading.getAddress(), 0n, 1_605n);
      });
    });
  });
});
