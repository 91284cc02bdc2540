/**
 * The non-custodial promise (SPEC 4): no role, the admin included, can move a user's escrowed tokens other than
 * by the auction rules. Here the admin and the REC regulators use every privileged function they have — pauses,
 * parameter changes mid-epoch, market-maker removal, user suspension, minter and burner roles (including burning
 * and minting on the Trading address, a locked escrow account), role grants, admin transfer — and try every
 * direct path to the escrow. The escrow stays where it was, and the epoch then settles exactly as the clearing
 * rule says with the parameters it opened with. While Trading is paused, users still cancel and withdraw.
 */
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { deploySystem, mintByReadings } from "./system";

const KWH = 10n ** 18n;
const USDC = 10n ** 6n;
const ceil = (a: bigint, b: bigint) => (a + b - 1n) / b;

async function marketFixture() {
  const sys = await deploySystem();
  const { trading, gridToken, actors } = sys;
  const usdc = await ethers.getContractAt("MockUSDC", sys.paymentAddress);
  const tradingAddress = await trading.getAddress();
  const [seller, seller2] = actors.prosumers;
  const [buyer, buyer2] = actors.consumers;
  const mm = actors.marketMaker;
  for (let i = 0; i < actors.prosumers.length; i++) await mintByReadings(sys, i, 20_000n);
  await gridToken.connect(seller2).transfer(mm.address, 5n * KWH);
  for (const who of [...actors.prosumers, ...actors.consumers, mm]) {
    await usdc.mint(who.address, 1_000n * USDC);
    await usdc.connect(who).approve(tradingAddress, ethers.MaxUint256);
    await gridToken.connect(who).approve(tradingAddress, ethers.MaxUint256);
  }

  // Epoch A settles while GRID is paused, so the buyer's GRID is credited to it (a credit to withdraw later).
  const epochA = (await trading.currentEpoch()) + 1n;
  await time.increaseTo(await trading.epochStart(epochA));
  await trading.connect(seller).createSellOrder(KWH, 100_000n);
  await trading.connect(buyer).createBuyOrder(KWH, 100_000n);
  await time.increaseTo(await trading.epochEnd(epochA));
  await trading.matchOrders(epochA, 10);
  await gridToken.connect(actors.admin).pause();
  await trading.executeTrades(epochA, 10);
  await gridToken.connect(actors.admin).unpause();

  // Epoch B: open orders on both sides, from prosumers, consumers and the market maker.
  const epochB = (await trading.currentEpoch()) + 1n;
  await time.increaseTo(await trading.epochStart(epochB));
  const sell = await trading.connect(seller).createSellOrder.staticCall(2n * KWH, 90_000n);
  await trading.connect(seller).createSellOrder(2n * KWH, 90_000n); // fills fully
  const mmSell = await trading.connect(mm).createSellOrder.staticCall(3n * KWH, 110_000n);
  await trading.connect(mm).createSellOrder(3n * KWH, 110_000n); // marginal ask
  const buy = await trading.connect(buyer).createBuyOrder.staticCall(4n * KWH, 130_000n);
  await trading.connect(buyer).createBuyOrder(4n * KWH, 130_000n); // fills fully
  const buy2 = await trading.connect(buyer2).createBuyOrder.staticCall(1n * KWH, 80_000n);
  await trading.connect(buyer2).createBuyOrder(1n * KWH, 80_000n); // below the asks: nothing
  const sell2 = await trading.connect(seller2).createSellOrder.staticCall(1n * KWH, 150_000n);
  await trading.connect(seller2).createSellOrder(1n * KWH, 150_000n); // above the bids: nothing
  return { ...sys, usdc, tradingAddress, epochA, epochB, ids: { sell, mmSell, buy, buy2, sell2 } };
}

type Fixture = Awaited<ReturnType<typeof marketFixture>>;

/** Everything a user owns or is owed, and Trading's holdings. */
async function holdings(f: Fixture) {
  const a = f.actors;
  const people = [...a.prosumers, ...a.consumers, a.marketMaker, a.treasury];
  const gridAddress = await f.gridToken.getAddress();
  const out: Record<string, bigint> = {};
  for (const p of people) {
    out[`${p.address}:grid`] = await f.gridToken.balanceOf(p.address);
    out[`${p.address}:usdc`] = await f.usdc.balanceOf(p.address);
    out[`${p.address}:gridCredit`] = await f.trading.credits(p.address, gridAddress);
    out[`${p.address}:usdcCredit`] = await f.trading.credits(p.address, f.paymentAddress);
  }
  out["trading:grid"] = await f.gridToken.balanceOf(f.tradingAddress);
  out["trading:usdc"] = await f.usdc.balanceOf(f.tradingAddress);
  return out;
}

describe("Security: non-custodial", function () {
  it("the admin and regulators using every privileged function move no escrow and no credit", async function () {
    const f = await loadFixture(marketFixture);
    const { trading, gridToken, registry, oracle, actors } = f;
    const { admin, regulator, outsider } = actors;
    const before = await holdings(f);
    expect(before["trading:grid"]).to.equal(2n * KWH + 3n * KWH + 1n * KWH + KWH); // 3 sells + 1 kWh credited
    const gridAddress = await gridToken.getAddress();

    // Trading: pause, every parameter (fee at its maximum, to the admin), market makers, roles, admin transfer.
    await trading.connect(admin).pause();
    await trading.connect(regulator).setFee(1_000n, admin.address);
    await trading.connect(regulator).setPriceRules(1_000n, 500_000n);
    await trading.connect(regulator).setMinOrderAmount(10n * KWH);
    await trading.connect(regulator).setMaxOrdersPerUser(1n);
    await trading.connect(regulator).removeMarketMaker(actors.marketMaker.address);
    await trading.connect(regulator).addMarketMaker(outsider.address);
    await trading.connect(admin).grantRole(ethers.id("ANY_ROLE"), outsider.address);
    await trading.connect(admin).beginDefaultAdminTransfer(outsider.address);

    // Registry: suspend a seller and a buyer with open orders, take their meters, shuffle regulators, pause.
    await registry.connect(regulator).updateUserStatus(actors.prosumers[0].address, 2);
    await registry.connect(regulator).updateUserStatus(actors.consumers[0].address, 2);
    await registry.connect(regulator).unassignMeter(f.meters[0]);
    await registry.connect(admin).addRecRegulator(outsider.address);
    await registry.connect(outsider).removeRecRegulator(regulator.address);
    await registry.connect(admin).pause();

    // GridToken: the regulator (now `outsider`) makes itself minter and burner and aims at the escrow account.
    await gridToken.connect(outsider).addMinter(outsider.address);
    await gridToken.connect(outsider).addBurner(outsider.address);
    await expect(gridToken.connect(outsider).burn(f.tradingAddress, KWH, ethers.ZeroHash))
      .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
      .withArgs(f.tradingAddress);
    await expect(gridToken.connect(outsider).mint(f.tradingAddress, KWH, ethers.ZeroHash))
      .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
      .withArgs(f.tradingAddress);
    await expect(gridToken.connect(admin).lockEscrowAccount(f.tradingAddress))
      .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
      .withArgs(f.tradingAddress);
    await expect(gridToken.connect(admin).transferFrom(f.tradingAddress, admin.address, 1n))
      .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientAllowance")
      .withArgs(admin.address, 0n, 1n);

    // OracleClient: pause, automation off, forwarders moved to the admin.
    await oracle.connect(admin).pause();
    await oracle.connect(outsider).setAutoMarketClearing(false);
    await oracle.connect(admin).setForwarder(admin.address);
    await oracle.connect(admin).setCreForwarder(admin.address);

    // Direct paths to the escrow, by the admin, the (new) regulator and the would-be admin.
    for (const who of [admin, outsider]) {
      await expect(trading.connect(who).cancelOrder(f.ids.buy))
        .to.be.revertedWithCustomError(trading, "TradingNotOrderOwner")
        .withArgs(f.ids.buy, who.address);
      for (const token of [gridAddress, f.paymentAddress]) {
        await expect(trading.connect(who).withdraw(token))
          .to.be.revertedWithCustomError(trading, "TradingNothingToWithdraw")
          .withArgs(who.address, token);
      }
    }
    await expect(trading.connect(admin).withdraw(admin.address))
      .to.be.revertedWithCustomError(trading, "TradingUnsupportedToken")
      .withArgs(admin.address);
    await expect(trading.connect(admin).executeTrades(f.epochB, 10)).to.be.revertedWithCustomError(
      trading,
      "EnforcedPause",
    );

    expect(await holdings(f)).to.deep.equal(before);
  });

  it("while Trading is paused, users cancel open orders and withdraw credits", async function () {
    const f = await loadFixture(marketFixture);
    const { trading, gridToken, usdc, actors } = f;
    await trading.connect(actors.admin).pause();
    await expect(trading.connect(actors.consumers[0]).createBuyOrder(KWH, 100_000n)).to.be.revertedWithCustomError(
      trading,
      "EnforcedPause",
    );
    const buyer = actors.consumers[0];
    const escrow = ceil(4n * KWH * 130_000n, KWH);
    await expect(trading.connect(buyer).cancelOrder(f.ids.buy))
      .to.emit(trading, "OrderCancelled")
      .withArgs(f.ids.buy, f.epochB, buyer.address, escrow);
    await expect(trading.connect(actors.marketMaker).cancelOrder(f.ids.mmSell)).to.changeTokenBalances(
      gridToken,
      [actors.marketMaker, trading],
      [3n * KWH, -3n * KWH],
    );
    await expect(trading.connect(buyer).withdraw(await gridToken.getAddress())).to.changeTokenBalances(
      gridToken,
      [buyer, trading],
      [KWH, -KWH],
    );
    expect(await usdc.balanceOf(f.tradingAddress)).to.equal(ceil(KWH * 80_000n, KWH));
  });

  it("after all that, the epoch settles by the clearing rule with the parameters it opened with", async function () {
    const f = await loadFixture(marketFixture);
    const { trading, gridToken, usdc, registry, actors } = f;
    const { admin, regulator } = actors;
    // The same privileged storm, minus the pauses.
    await trading.connect(regulator).setFee(1_000n, admin.address);
    await trading.connect(regulator).setPriceRules(1_000n, 500_000n);
    await trading.connect(regulator).setMinOrderAmount(10n * KWH);
    await trading.connect(regulator).removeMarketMaker(actors.marketMaker.address);
    await registry.connect(regulator).updateUserStatus(actors.prosumers[0].address, 2);
    await registry.connect(regulator).updateUserStatus(actors.consumers[0].address, 2);
    await f.oracle.connect(regulator).setAutoMarketClearing(false);

    await time.increaseTo(await trading.epochEnd(f.epochB));
    // Anyone can clear: the outsider, with the keeper switched off.
    await expect(trading.connect(actors.outsider).matchOrders(f.epochB, 100))
      .to.emit(trading, "EpochMatched")
      .withArgs(f.epochB, 120_000n, 4n * KWH, 130_000n, 110_000n);
    // Volume 4 kWh: the 2 kWh ask at 0.09 and 2 of the market maker's 3 kWh at 0.11, against the 4 kWh bid.
    const p = 120_000n;
    const [seller, seller2] = actors.prosumers;
    const [buyer, buyer2] = actors.consumers;
    const mm = actors.marketMaker;
    const tx = trading.connect(actors.outsider).executeTrades(f.epochB, 10);
    await expect(tx).to.changeTokenBalances(
      gridToken,
      [buyer, seller, mm, seller2, trading],
      [4n * KWH, 0n, 1n * KWH, 1n * KWH, -6n * KWH],
    );
    await expect(tx).to.changeTokenBalances(
      usdc,
      [buyer, buyer2, seller, mm, trading],
      [
        ceil(4n * KWH * 130_000n, KWH) - ceil(4n * KWH * p, KWH),
        ceil(KWH * 80_000n, KWH),
        (2n * KWH * p) / KWH,
        (2n * KWH * p) / KWH,
        -(ceil(4n * KWH * 130_000n, KWH) - ceil(4n * KWH * p, KWH)) - ceil(KWH * 80_000n, KWH) - (4n * KWH * p) / KWH,
      ],
    );
    // The epoch's fee stayed at its opening 0 bps; only the recipient of the (zero) remainder moved.
    await expect(tx)
      .to.emit(trading, "EpochSettled")
      .withArgs(f.epochB, 4n * KWH, p, 0n, admin.address);
    expect((await trading.getOrder(f.ids.mmSell)).filled).to.equal(2n * KWH);
  });

  it("a pause can delay the settlement of an ended epoch, never take it: the escrow is released in full on unpause", async function () {
    const f = await loadFixture(marketFixture);
    const { trading, gridToken, usdc, actors } = f;
    await time.increaseTo(await trading.epochEnd(f.epochB));
    await trading.connect(actors.admin).pause();
    const closedAt = await trading.epochEnd(f.epochB);
    // Gate closure has passed: the orders are locked until settled, and settling waits for the unpause.
    await expect(trading.connect(actors.consumers[1]).cancelOrder(f.ids.buy2))
      .to.be.revertedWithCustomError(trading, "TradingGateClosed")
      .withArgs(f.ids.buy2, closedAt);
    await expect(trading.connect(actors.outsider).matchOrders(f.epochB, 100)).to.be.revertedWithCustomError(
      trading,
      "EnforcedPause",
    );
    const heldGrid = await gridToken.balanceOf(f.tradingAddress);
    const heldUsdc = await usdc.balanceOf(f.tradingAddress);
    await time.increase(30n * 86_400n);
    expect(await gridToken.balanceOf(f.tradingAddress)).to.equal(heldGrid);
    expect(await usdc.balanceOf(f.tradingAddress)).to.equal(heldUsdc);
    await trading.connect(actors.admin).unpause();
    await trading.connect(actors.outsider).matchOrders(f.epochB, 100);
    await expect(trading.connect(actors.outsider).executeTrades(f.epochB, 100)).to.changeTokenBalances(
      usdc,
      [actors.consumers[1]],
      [ceil(KWH * 80_000n, KWH)],
    );
  });
});
