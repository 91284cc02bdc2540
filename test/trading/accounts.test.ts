// Market accounts: deposits (plain and with a permit), withdrawals, the free balance view, where bought GRID
// goes, orders that reserve from the account and pull only the shortfall, and settlement into the accounts.
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import type { FeeOnTransferToken } from "../../typechain-types";
import { deployMarket } from "../fixtures";
import { orderId, wh } from "../helpers/constants";
import { permitFromNow, signPermit } from "../helpers/eip712";
import { Side } from "../helpers/enums";
import { expectSetThenUnchanged } from "../helpers/setters";
import { Consumer, deployTradingFixture, loadTrading } from "./fixture";
import { accountOf, clear, expectBalancesEqualAccounts, expectClearing, parsed, place, book, fills } from "./helpers";
import { expectRevert } from "../helpers/reverts";
import { expectStoppedByPause } from "../helpers/access";

/**
 * What `deposit` and `withdraw` both refuse: a zero amount of either token, GRID that is not a whole number of
 * watt-hours (`nonWholeGrid`, after `p1` deposited `funded` GRID) and a token the market does not hold.
 */
function shouldRefuseMalformedAmountsAndTokens(op: "deposit" | "withdraw", nonWholeGrid: bigint, funded = 0n) {
  it("reverts on a zero amount of either token", async function () {
    const { trading, grid, usdc, p1 } = await loadFixture(deployTradingFixture);
    for (const token of [grid, usdc]) {
      await expect(trading.connect(p1)[op](token, 0n)).to.be.revertedWithCustomError(trading, "TradingZeroAmount");
    }
  });

  it("reverts on GRID that is not a whole number of watt-hours", async function () {
    const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
    if (funded > 0n) await trading.connect(p1).deposit(grid, funded);
    await expectRevert(trading.connect(p1)[op](grid, nonWholeGrid), trading, "TradingInvalidAmount", nonWholeGrid);
  });

  it("reverts on a token other than GRID or the payment token", async function () {
    const { trading, registry, p1 } = await loadFixture(deployTradingFixture);
    await expect(trading.connect(p1)[op](registry, 1n))
      .to.be.revertedWithCustomError(trading, "TradingUnsupportedToken")
      .withArgs(await registry.getAddress());
  });
}

/**
 * `c1`, with `deposited` in its account, places a buy order: the market pulls exactly the shortfall `pulled` from
 * the wallet (announced by `Deposited`) and reserves the whole account.
 */
async function expectBuyPullsShortfall(o: { deposited: bigint; amount: bigint; price: bigint; pulled: bigint }) {
  const { ctx, trading, usdc, c1 } = await loadTrading();
  if (o.deposited > 0n) await trading.connect(c1).deposit(usdc, o.deposited);
  const tx = trading.connect(c1).createBuyOrder(o.amount, o.price);
  await expect(tx)
    .to.emit(trading, "Deposited")
    .withArgs(c1.address, await usdc.getAddress(), o.pulled);
  await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-o.pulled, o.pulled]);
  expect(await accountOf(ctx, c1)).to.deep.equal([0n, 0n]);
}

/** The market paying in a token that burns 1% of every transfer, with `c1` registered and holding 1,000,000 of it. */
async function feeOnTransferMarketFixture() {
  const [, c1] = await ethers.getSigners();
  const token = (await ethers.deployContract("FeeOnTransferToken")) as unknown as FeeOnTransferToken;
  const { registry, trading } = await deployMarket({ paymentToken: await token.getAddress() });
  await registry.registerUser(c1.address, Consumer, "Dorm");
  await token.mint(c1.address, 1_000_000n);
  await token.connect(c1).approve(trading, ethers.MaxUint256);
  return { trading, token, c1 };
}

describe("Trading", function () {
  describe("#deposit", function () {
    describe("when depositing the payment token", function () {
      it("moves the amount from the wallet to the account and emits Deposited", async function () {
        const { ctx, trading, usdc, c1 } = await loadTrading();
        const tx = trading.connect(c1).deposit(usdc, 12_345n);
        await expect(tx)
          .to.emit(trading, "Deposited")
          .withArgs(c1.address, await usdc.getAddress(), 12_345n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-12_345n, 12_345n]);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 12_345n]);
        await trading.connect(c1).deposit(usdc, 1n);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 12_346n]);
        await expectBalancesEqualAccounts(ctx);
      });
    });

    describe("when depositing GRID", function () {
      it("credits whole watt-hours", async function () {
        const { ctx, trading, grid, p1 } = await loadTrading();
        const tx = trading.connect(p1).deposit(grid, wh(25));
        await expect(tx)
          .to.emit(trading, "Deposited")
          .withArgs(p1.address, await grid.getAddress(), wh(25));
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [-wh(25), wh(25)]);
        expect(await accountOf(ctx, p1)).to.deep.equal([wh(25), 0n]);
      });
    });

    describe("when the deposit is invalid", function () {
      shouldRefuseMalformedAmountsAndTokens("deposit", wh(25) + 1n);

      it("reverts while paused", async function () {
        const { trading, admin, usdc, c1 } = await loadFixture(deployTradingFixture);
        await expectStoppedByPause(trading, admin, () => trading.connect(c1).deposit(usdc, 1_000n));
      });

      it("reverts with the token's error without an allowance", async function () {
        const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 999n);
        await expect(trading.connect(c1).deposit(usdc, 1_000n))
          .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
          .withArgs(await trading.getAddress(), 999n, 1_000n);
      });
    });

    describe("when the payment token charges a fee on transfer", function () {
      it("refuses the deposit and an order's shortfall (TradingTransferAmountMismatch)", async function () {
        const { trading, token, c1 } = await loadFixture(feeOnTransferMarketFixture);
        await expect(trading.connect(c1).deposit(token, 10_000n))
          .to.be.revertedWithCustomError(trading, "TradingTransferAmountMismatch")
          .withArgs(10_000n, 9_900n);
        await expect(trading.connect(c1).createBuyOrder(wh(20), 500_000n))
          .to.be.revertedWithCustomError(trading, "TradingTransferAmountMismatch")
          .withArgs(10_000n, 9_900n);
        expect(await trading.accountBalance(c1.address, token)).to.equal(0n);
      });
    });
  });

  describe("#depositWithPermit", function () {
    const usdcPermitCases = [
      { name: "deposits with a signed permit and no prior allowance", frontRun: false },
      { name: "still deposits when a front-runner already used the permit", frontRun: true },
    ];
    for (const c of usdcPermitCases) {
      it(c.name, async function () {
        const { ctx, trading, usdc, c1, outsider } = await loadTrading();
        const sig = await permitFromNow(usdc, c1, trading, 7_000n);
        if (c.frontRun) {
          await usdc.connect(outsider).permit(c1.address, trading, 7_000n, sig.deadline, sig.v, sig.r, sig.s);
        }
        const tx = trading.connect(c1).depositWithPermit(usdc, 7_000n, sig.deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "Deposited")
          .withArgs(c1.address, await usdc.getAddress(), 7_000n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-7_000n, 7_000n]);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 7_000n]);
        // Either way the permit was spent once and the pull used up the allowance it gave.
        expect(await usdc.nonces(c1.address)).to.equal(1n);
        expect(await usdc.allowance(c1.address, trading)).to.equal(0n);
      });
    }

    it("deposits GRID with a GRID permit", async function () {
      const { ctx, trading, grid, p1 } = await loadTrading();
      const sig = await permitFromNow(grid, p1, trading, wh(40));
      const tx = trading.connect(p1).depositWithPermit(grid, wh(40), sig.deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.changeTokenBalances(grid, [p1, trading], [-wh(40), wh(40)]);
      expect(await accountOf(ctx, p1)).to.deep.equal([wh(40), 0n]);
    });

    it("reverts with the token's error when the permit is invalid and the allowance is short", async function () {
      const { trading, usdc, c1, c2 } = await loadFixture(deployTradingFixture);
      await usdc.connect(c1).approve(trading, 0n);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(usdc, c2, await trading.getAddress(), 7_000n, deadline);
      await expect(trading.connect(c1).depositWithPermit(usdc, 7_000n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
        .withArgs(await trading.getAddress(), 0n, 7_000n);
    });

    it("reverts while paused", async function () {
      const { trading, admin, usdc, c1 } = await loadFixture(deployTradingFixture);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(usdc, c1, await trading.getAddress(), 7_000n, deadline);
      await expectStoppedByPause(trading, admin, () =>
        trading.connect(c1).depositWithPermit(usdc, 7_000n, deadline, sig.v, sig.r, sig.s),
      );
    });

    it("reverts on a zero amount, GRID not in whole watt-hours and an unsupported token", async function () {
      const { trading, grid, usdc, registry, p1 } = await loadFixture(deployTradingFixture);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(usdc, p1, await trading.getAddress(), 0n, deadline);
      await expect(
        trading.connect(p1).depositWithPermit(usdc, 0n, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(trading, "TradingZeroAmount");
      await expect(trading.connect(p1).depositWithPermit(grid, 5n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(5n);
      await expect(trading.connect(p1).depositWithPermit(registry, 5n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(trading, "TradingUnsupportedToken")
        .withArgs(await registry.getAddress());
    });
  });

  describe("#withdraw", function () {
    describe("when the account holds enough", function () {
      it("moves part of the payment token back to the wallet and emits Withdrawn", async function () {
        const { ctx, trading, usdc, c1 } = await loadTrading();
        await trading.connect(c1).deposit(usdc, 10_000n);
        const tx = trading.connect(c1).withdraw(usdc, 3_500n);
        await expect(tx)
          .to.emit(trading, "Withdrawn")
          .withArgs(c1.address, await usdc.getAddress(), 3_500n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [3_500n, -3_500n]);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 6_500n]);
        await trading.connect(c1).withdraw(usdc, 6_500n);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 0n]);
        expect(await usdc.balanceOf(trading)).to.equal(0n);
      });

      it("moves GRID back in whole watt-hours", async function () {
        const { ctx, trading, grid, p1 } = await loadTrading();
        await trading.connect(p1).deposit(grid, wh(30));
        const tx = trading.connect(p1).withdraw(grid, wh(12));
        await expect(tx)
          .to.emit(trading, "Withdrawn")
          .withArgs(p1.address, await grid.getAddress(), wh(12));
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [wh(12), -wh(12)]);
        expect(await accountOf(ctx, p1)).to.deep.equal([wh(18), 0n]);
      });

      it("works while paused", async function () {
        const { ctx, trading, grid, usdc, p1 } = await loadTrading();
        await trading.connect(p1).deposit(grid, wh(30));
        await trading.connect(p1).deposit(usdc, 900n);
        await trading.pause();
        await expect(trading.connect(p1).withdraw(grid, wh(30))).to.changeTokenBalances(
          grid,
          [p1, trading],
          [wh(30), -wh(30)],
        );
        await expect(trading.connect(p1).withdraw(usdc, 900n)).to.changeTokenBalances(
          usdc,
          [p1, trading],
          [900n, -900n],
        );
        expect(await accountOf(ctx, p1)).to.deep.equal([0n, 0n]);
      });
    });

    describe("when the withdrawal is invalid", function () {
      shouldRefuseMalformedAmountsAndTokens("withdraw", wh(10) - 1n, wh(30));

      it("reverts beyond the free balance of either token", async function () {
        const { trading, grid, usdc, p1 } = await loadFixture(deployTradingFixture);
        await trading.connect(p1).deposit(grid, wh(30));
        await trading.connect(p1).deposit(usdc, 900n);
        await expect(trading.connect(p1).withdraw(grid, wh(31)))
          .to.be.revertedWithCustomError(trading, "TradingInsufficientBalance")
          .withArgs(p1.address, await grid.getAddress(), wh(30), wh(31));
        await expect(trading.connect(p1).withdraw(usdc, 901n))
          .to.be.revertedWithCustomError(trading, "TradingInsufficientBalance")
          .withArgs(p1.address, await usdc.getAddress(), 900n, 901n);
      });

      it("reverts on what open orders reserve", async function () {
        const { ctx, trading, usdc, c1 } = await loadTrading();
        await trading.connect(c1).deposit(usdc, 10_000n);
        await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: 500_000n }]);
        expect(await accountOf(ctx, c1)).to.deep.equal([0n, 5_000n]);
        await expect(trading.connect(c1).withdraw(usdc, 5_001n))
          .to.be.revertedWithCustomError(trading, "TradingInsufficientBalance")
          .withArgs(c1.address, await usdc.getAddress(), 5_000n, 5_001n);
      });
    });
  });

  describe("#accountBalance", function () {
    it("is zero for a fresh account and reverts for an unsupported token", async function () {
      const { ctx, trading, registry, outsider } = await loadTrading();
      expect(await accountOf(ctx, outsider)).to.deep.equal([0n, 0n]);
      await expect(trading.accountBalance(outsider.address, registry))
        .to.be.revertedWithCustomError(trading, "TradingUnsupportedToken")
        .withArgs(await registry.getAddress());
    });
  });

  describe("#setKeepsBoughtGrid", function () {
    it("switches where bought GRID goes, emitting BoughtGridDestinationSet, and reverts on no change", async function () {
      const { trading, c1 } = await loadFixture(deployTradingFixture);
      const set = (keeps: boolean) => trading.connect(c1).setKeepsBoughtGrid(keeps);
      expect(await trading.keepsBoughtGrid(c1.address)).to.equal(false);
      await expect(set(false)).to.be.revertedWithCustomError(trading, "TradingUnchanged");
      for (const keeps of [true, false]) {
        await expectSetThenUnchanged(
          trading,
          () => set(keeps),
          "BoughtGridDestinationSet",
          [c1.address, keeps],
          "TradingUnchanged",
        );
        expect(await trading.keepsBoughtGrid(c1.address)).to.equal(keeps);
      }
    });

    it("keeps the GRID the buyer bought in its account at settlement", async function () {
      const { ctx, trading, grid, p1, c1, c2, epoch } = await loadTrading();
      await trading.connect(c1).setKeepsBoughtGrid(true);
      const orders = book(ctx, "p1 sell 30@400_000, c1 buy 20@400_000, c2 buy 10@400_000");
      const [s, b1, b2] = await place(trading, orders);
      const tx = await expectClearing(ctx, epoch, {
        price: 400_000n,
        fills: fills(orders, [s, b1, b2], "30:12_000 20:8_000 10:4_000"),
      });
      // c1 keeps its 20 Wh in the account; c2's 10 Wh go to its wallet; nobody is Credited outside settlement.
      await expect(tx).to.changeTokenBalances(grid, [c1, c2, trading], [0n, wh(10), -wh(10)]);
      await expect(tx).not.to.emit(trading, "Credited");
      expect(await accountOf(ctx, c1)).to.deep.equal([wh(20), 0n]);
      expect(await accountOf(ctx, c2)).to.deep.equal([0n, 0n]);
      expect(await accountOf(ctx, p1)).to.deep.equal([0n, 12_000n]);
      await expectBalancesEqualAccounts(ctx);
    });
  });

  describe("orders from the account", function () {
    describe("when the account covers the escrow", function () {
      const cases = [
        {
          name: "a buy order's escrow",
          who: "c1",
          side: Side.Buy,
          token: "usdc",
          deposit: 12_000n,
          wh: 10,
          price: 500_000n,
          escrow: 5_000n,
          left: [0n, 7_000n],
        },
        {
          name: "a sell order's GRID",
          who: "p1",
          side: Side.Sell,
          token: "grid",
          deposit: wh(50),
          wh: 50,
          price: 300_000n,
          escrow: wh(50),
          left: [0n, 0n],
        },
      ] as const;
      for (const c of cases) {
        it(`reserves ${c.name} from the account and pulls nothing`, async function () {
          const { ctx, trading, epoch } = await loadTrading();
          const [signer, token] = [ctx[c.who], ctx[c.token]];
          await trading.connect(signer).deposit(token, c.deposit);
          const create =
            c.side === Side.Buy ? trading.connect(signer).createBuyOrder : trading.connect(signer).createSellOrder;
          const tx = create(wh(c.wh), c.price);
          await expect(tx)
            .to.emit(trading, "OrderCreated")
            .withArgs(orderId(epoch, 1), epoch, signer.address, c.side, wh(c.wh), c.price);
          await expect(tx).not.to.emit(trading, "Deposited");
          await expect(tx).to.changeTokenBalances(token, [signer, trading], [0n, 0n]);
          expect(await accountOf(ctx, signer)).to.deep.equal(c.left);
        });
      }
    });

    describe("when the account covers part of the escrow", function () {
      it("pulls exactly the shortfall of a buy order, announced by Deposited", async function () {
        await expectBuyPullsShortfall({ deposited: 3_000n, amount: wh(10), price: 500_000n, pulled: 2_000n });
      });

      it("pulls exactly the shortfall of a sell order", async function () {
        const { ctx, trading, grid, p1 } = await loadTrading();
        await trading.connect(p1).deposit(grid, wh(15));
        const tx = trading.connect(p1).createSellOrder(wh(50), 300_000n);
        const receipt = (await (await tx).wait())!;
        expect(parsed(trading, receipt, "Deposited")).to.deep.equal([[p1.address, await grid.getAddress(), wh(35)]]);
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [-wh(35), wh(35)]);
        expect(await accountOf(ctx, p1)).to.deep.equal([0n, 0n]);
      });
    });

    describe("when the account is empty", function () {
      it("pulls the whole escrow from the wallet, as without accounts", async function () {
        await expectBuyPullsShortfall({ deposited: 0n, amount: wh(13), price: 123_400n, pulled: 1_605n });
      });
    });

    it("re-places a cancelled order from the refund in the account without pulling", async function () {
      const { ctx, trading, usdc, c1, epoch } = await loadTrading();
      const [id] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: 500_000n }]);
      await trading.connect(c1).cancelOrder(id);
      expect(await accountOf(ctx, c1)).to.deep.equal([0n, 5_000n]);
      const tx = trading.connect(c1).createBuyOrder(wh(10), 400_000n);
      await expect(tx)
        .to.emit(trading, "OrderCreated")
        .withArgs(orderId(epoch, 2), epoch, c1.address, Side.Buy, wh(10), 400_000n);
      await expect(tx).not.to.emit(trading, "Deposited");
      await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [0n, 0n]);
      expect(await accountOf(ctx, c1)).to.deep.equal([0n, 1_000n]);
    });
  });

  describe("settlement into the accounts", function () {
    it("credits seller proceeds and unfilled GRID and the buyer's refund to the accounts, bought GRID to the wallet", async function () {
      const { ctx, trading, grid, usdc, p1, c1, feeSink, epoch } = await loadTrading();
      await trading.setFee(100n, feeSink.address);
      // Ask 30 Wh at 400,000, bid 20 Wh at 500,000: p = 450,000, 20 Wh trade.
      // Seller: 9,000 minus a 1% fee of 90 = 8,910, and 10 Wh back. Buyer: pays 9,000 of 10,000, 1,000 back.
      const orders = book(ctx, "p1 sell 30@400_000, c1 buy 20@500_000");
      const [s, b] = await place(trading, orders);
      const tx = await expectClearing(ctx, epoch, {
        price: 450_000n,
        fills: fills(orders, [s, b], "20:8_910:10:90 20:9_000:1_000"),
      });
      await expect(tx).to.changeTokenBalances(grid, [p1, c1, trading], [0n, wh(20), -wh(20)]);
      await expect(tx).to.changeTokenBalances(usdc, [p1, c1, feeSink, trading], [0n, 0n, 0n, 0n]);
      await expect(tx)
        .to.emit(trading, "Credited")
        .withArgs(feeSink.address, await usdc.getAddress(), 90n);
      expect(await accountOf(ctx, p1)).to.deep.equal([wh(10), 8_910n]);
      expect(await accountOf(ctx, c1)).to.deep.equal([0n, 1_000n]);
      expect(await accountOf(ctx, feeSink)).to.deep.equal([0n, 90n]);
      await expectBalancesEqualAccounts(ctx);
    });

    it("trades several epochs from one deposit, then withdraws everything to the exact unit", async function () {
      const { ctx, trading, grid, usdc, p1, c1, feeSink } = await loadTrading();
      await trading.setFee(100n, feeSink.address);
      await trading.connect(p1).deposit(grid, wh(100));
      await trading.connect(c1).deposit(usdc, 100_000n);
      const [p1Grid, p1Usdc, c1Usdc] = [
        await grid.balanceOf(p1.address),
        await usdc.balanceOf(p1.address),
        await usdc.balanceOf(c1.address),
      ];

      // Each epoch: p1 sells 20 Wh at 400,000 and c1 bids 20 Wh at 500,000; p = 450,000. p1 receives
      // 9,000 − 90 = 8,910 and c1 pays 9,000 of a 10,000 escrow; every escrow comes from the accounts.
      for (let i = 0; i < 3; i++) {
        const epoch = await trading.currentEpoch();
        for (const side of [Side.Sell, Side.Buy]) {
          const signer = side === Side.Sell ? p1 : c1;
          const tx =
            side === Side.Sell
              ? trading.connect(p1).createSellOrder(wh(20), 400_000n)
              : trading.connect(c1).createBuyOrder(wh(20), 500_000n);
          await expect(tx).not.to.emit(trading, "Deposited");
          await expect(tx).to.changeTokenBalances(grid, [signer, trading], [0n, 0n]);
          await expect(tx).to.changeTokenBalances(usdc, [signer, trading], [0n, 0n]);
        }
        await expect(clear(trading, epoch)).to.changeTokenBalances(grid, [c1, trading], [wh(20), -wh(20)]);
      }

      expect(await accountOf(ctx, p1)).to.deep.equal([wh(40), 26_730n]);
      expect(await accountOf(ctx, c1)).to.deep.equal([0n, 73_000n]);
      expect(await accountOf(ctx, feeSink)).to.deep.equal([0n, 270n]);
      expect(await grid.balanceOf(trading)).to.equal(wh(40));
      expect(await usdc.balanceOf(trading)).to.equal(100_000n);

      await trading.connect(p1).withdraw(grid, wh(40));
      await trading.connect(p1).withdraw(usdc, 26_730n);
      await trading.connect(c1).withdraw(usdc, 73_000n);
      await trading.connect(feeSink).withdraw(usdc, 270n);
      for (const a of [p1, c1, feeSink]) expect(await accountOf(ctx, a)).to.deep.equal([0n, 0n]);
      expect(await grid.balanceOf(trading)).to.equal(0n);
      expect(await usdc.balanceOf(trading)).to.equal(0n);
      expect(await grid.balanceOf(p1.address)).to.equal(p1Grid + wh(40));
      expect(await usdc.balanceOf(p1.address)).to.equal(p1Usdc + 26_730n);
      expect(await usdc.balanceOf(c1.address)).to.equal(c1Usdc + 73_000n);
      expect(await grid.balanceOf(c1.address)).to.equal(wh(60));
    });
  });
});
