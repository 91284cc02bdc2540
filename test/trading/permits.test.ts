import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";

import { permitFromNow, signPermit } from "../helpers/eip712";
import { orderId, wh } from "../helpers/constants";
import { Side } from "../helpers/enums";
import { deployTradingFixture, loadTrading } from "./fixture";
import { expectStoppedByPause } from "../helpers/access";

type Ctx = Awaited<ReturnType<typeof deployTradingFixture>>;

/** One side's order placed under a permit of its escrow: who places it, in which token, and the values. */
interface PermitCase {
  side: Side;
  who: "p1" | "c1";
  token: "grid" | "usdc";
  wh: bigint;
  price: bigint;
  escrow: bigint;
}

const SELL: PermitCase = { side: Side.Sell, who: "p1", token: "grid", wh: wh(25), price: 300_000n, escrow: wh(25) };
const BUY: PermitCase = { side: Side.Buy, who: "c1", token: "usdc", wh: wh(13), price: 123_400n, escrow: 1_605n };

/** Without an allowance, the signer's permit for the escrow of `c`, valid for an hour, and the order it places. */
async function permitted(ctx: Ctx, c: PermitCase) {
  const [signer, token] = [ctx[c.who], ctx[c.token]];
  const sig = await permitFromNow(token, signer, ctx.trading, c.escrow);
  const deadline = sig.deadline;
  const trading = ctx.trading.connect(signer);
  const create = c.side === Side.Sell ? trading.createSellOrderWithPermit : trading.createBuyOrderWithPermit;
  return { signer, token, deadline, sig, place: () => create(c.wh, c.price, deadline, sig.v, sig.r, sig.s) };
}

/** The order goes in under the permit alone, and also when a front-runner already spent the permit. */
function shouldPlaceWithPermit(c: PermitCase, placed: string) {
  it(placed, async function () {
    const { ctx, trading, epoch } = await loadTrading();
    const { signer, token, place } = await permitted(ctx, c);
    const tx = place();
    await expect(tx)
      .to.emit(trading, "OrderCreated")
      .withArgs(orderId(epoch, 1), epoch, signer.address, c.side, c.wh, c.price);
    await expect(tx).to.changeTokenBalances(token, [signer, trading], [-c.escrow, c.escrow]);
    expect(await token.nonces(signer.address)).to.equal(1n);
    expect(await token.allowance(signer.address, trading)).to.equal(0n);
  });

  it("still places the order when a front-runner already used the permit", async function () {
    const { ctx, trading, outsider, epoch } = await loadTrading();
    const { signer, token, deadline, sig, place } = await permitted(ctx, c);
    await token.connect(outsider).permit(signer.address, trading, c.escrow, deadline, sig.v, sig.r, sig.s);
    await expect(place())
      .to.emit(trading, "OrderCreated")
      .withArgs(orderId(epoch, 1), epoch, signer.address, c.side, c.wh, c.price);
  });
}

describe("Trading", function () {
  describe("permit variants", function () {
    describe("#createSellOrderWithPermit", function () {
      shouldPlaceWithPermit(SELL, "places the order with a signed GRID permit and no prior allowance");

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
        const { trading, admin, grid, p1 } = await loadFixture(deployTradingFixture);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        await expectStoppedByPause(trading, admin, () =>
          trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s),
        );
      });
    });

    describe("#createBuyOrderWithPermit", function () {
      shouldPlaceWithPermit(BUY, "places the order with a permit of the rounded-up escrow");

      it("pulls only the shortfall under the permit when the account covers part of the escrow", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.connect(c1).deposit(usdc, 605n);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        const tx = trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n);
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
