/**
 * The non-custodial promise (SPEC 4): no role, the admin included, can move a user's escrowed tokens other than
 * by the auction rules. Here the admin and the REC regulators use every privileged function they have — pauses,
 * parameter changes mid-epoch, market-maker removal, user suspension, minter and burner roles (including burning
 * and minting on the Trading address, a locked escrow account), role grants, admin transfer — and try every
 * direct path to the escrow. The escrow stays where it was, and the epoch then settles exactly as the clearing
 * rule says with the parameters it opened with. Market accounts (free balances) are as unreachable as the escrow:
 * no privileged caller withdraws, cancels or burns them. While Trading is paused, users still cancel and withdraw.
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

  // A saver: the third prosumer keeps all its GRID and 100 USDC in its market account.
  const saver = actors.prosumers[2];
  await trading.connect(saver).deposit(await gridToken.getAddress(), await gridToken.balanceOf(saver.address));
  await trading.connect(saver).deposit(sys.paymentAddress, 100n * USDC);

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
    out[`${p.address}:gridAccount`] = await f.trading.accountBalance(p.address, gridAddress);
    out[`${p.address}:usdcAccount`] = await f.trading.accountBalance(p.address, f.paymentAddress);
  }
  out["trading:grid"] = await f.gridToken.balanceOf(f.tradingAddress);
  out["trading:usdc"] = await f.usdc.balanceOf(f.tradingAddress);
  return out;
}

describe("Security: non-custodial", function () {
  it("the admin, regulators, operator, minter/burner and forwarder move no escrow and no account balance", async function () {
    const f = await loadFixture(marketFixture);
    const { trading, gridToken, registry, oracle, actors } = f;
    const { admin, regulator, outsider } = actors;
    const before = await holdings(f);
    // 3 sells + 1 kWh credited to the buyer of epoch A + the saver's 20 kWh.
    expect(before["trading:grid"]).to.equal(2n * KWH + 3n * KWH + 1n * KWH + KWH + 20n * KWH);
    const saver = actors.prosumers[2];
    expect(before[`${saver.address}:gridAccount`]).to.equal(20n * KWH);
    const gridAddress = await gridToken.getAddress();

    // The forwarder has nothing to do before the epoch ends; the operator's readings mint and burn wallets only.
    await expect(oracle.connect(actors.forwarder).performUpkeep("0x")).to.be.revertedWithCustomError(
      oracle,
      "OracleClientNoUpkeepNeeded",
    );

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
    // The saver's GRID is in its account, out of the burner's reach: its wallet is empty.
    await expect(gridToken.connect(outsider).burn(saver.address, KWH, ethers.ZeroHash))
      .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientBalance")
      .withArgs(saver.address, 0n, KWH);
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
    for (const who of [admin, outsider, actors.operator, actors.forwarder]) {
      await expect(trading.connect(who).cancelOrder(f.ids.buy))
        .to.be.revertedWithCustomError(trading, "TradingNotOrderOwner")
        .withArgs(f.ids.buy, who.address);
      await expect(trading.connect(who).cancelOrders([f.ids.sell, f.ids.buy]))
        .to.be.revertedWithCustomError(trading, "TradingNotOrderOwner")
        .withArgs(f.ids.sell, who.address);
      for (const token of [gridAddress, f.paymentAddress]) {
        await expect(trading.connect(who).withdraw(token, KWH / 1_000n))
          .to.be.revertedWithCustomError(trading, "TradingInsufficientBalance")
          .withArgs(who.address, token, 0n, KWH / 1_000n);
      }
    }
    await expect(trading.connect(admin).withdraw(admin.address, 1n))
      .to.be.revertedWithCustomError(trading, "TradingUnsupportedToken")
      .withArgs(admin.address);
    await expect(trading.connect(admin).executeTrades(f.epochB, 10)).to.be.revertedWithCustomError(
      trading,
      "EnforcedPause",
    );

    expect(await holdings(f)).to.deep.equal(before);
  });

  it("while Trading is paused, users cancel open orders into their accounts and withdraw the free balance", async function () {
    const f = await loadFixture(marketFixture);
    const { trading, gridToken, usdc, actors } = f;
    const gridAddress = await gridToken.getAddress();
    await trading.connect(actors.admin).pause();
    await expect(trading.connect(actors.consumers[0]).createBuyOrder(KWH, 100_000n)).to.be.revertedWithCustomError(
      trading,
      "EnforcedPause",
    );
    await expect(trading.connect(actors.consumers[0]).deposit(f.paymentAddress, USDC)).to.be.revertedWithCustomError(
      trading,
      "EnforcedPause",
    );
    const buyer = actors.consumers[0];
    const mm = actors.marketMaker;
    const escrow = ceil(4n * KWH * 130_000n, KWH);
    await expect(trading.connect(buyer).cancelOrders([f.ids.buy]))
      .to.emit(trading, "OrderCancelled")
      .withArgs(f.ids.buy, f.epochB, buyer.address, escrow);
    expect(await trading.accountBalance(buyer.address, f.paymentAddress)).to.equal(escrow);
    await expect(trading.connect(mm).cancelOrder(f.ids.mmSell)).to.changeTokenBalances(
      gridToken,
      [mm, trading],
      [0n, 0n],
    );
    expect(await trading.accountBalance(mm.address, gridAddress)).to.equal(3n * KWH);
    // Withdrawals work while paused: part of the free balance, then the rest.
    await expect(trading.connect(buyer).withdraw(gridAddress, KWH)).to.changeTokenBalances(
      gridToken,
      [buyer, trading],
      [KWH, -KWH],
    );
    await expect(trading.connect(buyer).withdraw(f.paymentAddress, escrow - 1n)).to.changeTokenBalances(
      usdc,
      [buyer, trading],
      [escrow - 1n, -(escrow - 1n)],
    );
    await expect(trading.connect(buyer).withdraw(f.paymentAddress, 2n))
      .to.be.revertedWithCustomError(trading, "TradingInsufficientBalance")
      .withArgs(buyer.address, f.paymentAddress, 1n, 2n);
    await expect(trading.connect(buyer).withdraw(f.paymentAddress, 1n))
      .to.emit(trading, "Withdrawn")
      .withArgs(buyer.address, f.paymentAddress, 1n);
    await expect(trading.connect(mm).withdraw(gridAddress, 3n * KWH))
      .to.emit(trading, "Withdrawn")
      .withArgs(mm.address, gridAddress, 3n * KWH);
    const saver = actors.prosumers[2];
    await expect(trading.connect(saver).withdraw(f.paymentAddress, 100n * USDC)).to.changeTokenBalances(
      usdc,
      [saver, trading],
      [100n * USDC, -100n * USDC],
    );
    // Left: the open bid of buyer2 and the proceeds of epoch A's seller, still in its account.
    const sellerA = await trading.accountBalance(actors.prosumers[0].address, f.paymentAddress);
    expect(sellerA).to.equal(100_000n);
    expect(await usdc.balanceOf(f.tradingAddress)).to.equal(ceil(KWH * 80_000n, KWH) + sellerA);
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
    const gridAddress = await gridToken.getAddress();
    const account = (who: { address: string }, token: string) => trading.accountBalance(who.address, token);
    const people = [buyer, buyer2, seller, mm, seller2];
    const usdcBefore = await Promise.all(people.map((p) => account(p, f.paymentAddress)));
    const gridBefore = await Promise.all(people.map((p) => account(p, gridAddress)));
    const tx = trading.connect(actors.outsider).executeTrades(f.epochB, 10);
    // Bought GRID goes to the buyer's wallet; everything else is credited to the accounts.
    await expect(tx).to.changeTokenBalances(
      gridToken,
      [buyer, seller, mm, seller2, trading],
      [4n * KWH, 0n, 0n, 0n, -4n * KWH],
    );
    await expect(tx).to.changeTokenBalances(usdc, [buyer, buyer2, seller, mm, trading], [0n, 0n, 0n, 0n, 0n]);
    const usdcAfter = await Promise.all(people.map((p) => account(p, f.paymentAddress)));
    const gridAfter = await Promise.all(people.map((p) => account(p, gridAddress)));
    expect(usdcAfter.map((v, i) => v - usdcBefore[i])).to.deep.equal([
      ceil(4n * KWH * 130_000n, KWH) - ceil(4n * KWH * p, KWH),
      ceil(KWH * 80_000n, KWH),
      (2n * KWH * p) / KWH,
      (2n * KWH * p) / KWH,
      0n,
    ]);
    expect(gridAfter.map((v, i) => v - gridBefore[i])).to.deep.equal([0n, 0n, 0n, 1n * KWH, 1n * KWH]);
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
    const buyer2 = actors.consumers[1];
    await trading.connect(actors.outsider).executeTrades(f.epochB, 100);
    expect(await trading.accountBalance(buyer2.address, f.paymentAddress)).to.equal(ceil(KWH * 80_000n, KWH));
    await expect(trading.connect(buyer2).withdraw(f.paymentAddress, ceil(KWH * 80_000n, KWH))).to.changeTokenBalances(
      usdc,
      [buyer2],
      [ceil(KWH * 80_000n, KWH)],
    );
  });
});
