/**
 * Trading and the OracleClient in a hostile environment: payment tokens that re-enter, charge fees, answer
 * `false` or block an address; dust and order-count griefing; forged upkeep hints; expired and replayed
 * signatures (EIP-2612 permits and EIP-712 meter readings).
 */
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { type Interface } from "ethers";
import { ethers } from "hardhat";

import type {
  BlocklistToken,
  FalseReturningToken,
  FeeOnTransferToken,
  ReentrantToken,
  Trading,
} from "../../typechain-types";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import { METER_READING_TYPES, signPermit } from "../helpers/eip712";
import { type System, WH, deploySystem, mintByReadings } from "./system";

const KWH = 10n ** 18n;
const USDC = 10n ** 6n;
const SELL_PRICE = 100_000n; // 0.10 per kWh
const BUY_PRICE = 120_000n; // 0.12 per kWh
const CLEARING = (SELL_PRICE + BUY_PRICE) / 2n;
const ceil = (a: bigint, b: bigint) => (a + b - 1n) / b;
/** What a buyer of 1 kWh at BUY_PRICE gets back, and what a seller of 1 kWh receives, when they clear at CLEARING. */
const PAIR_REFUND = ceil(KWH * BUY_PRICE, KWH) - ceil(KWH * CLEARING, KWH);
const PAIR_PROCEEDS = (KWH * CLEARING) / KWH;

interface Mintable {
  mint(to: string, amount: bigint): Promise<unknown>;
  getAddress(): Promise<string>;
}

/** Funds and approves: GRID for the prosumers (by meter readings), `token` for everyone. */
async function fund(sys: System, token: Mintable) {
  const trading = await sys.trading.getAddress();
  const a = sys.actors;
  for (const [i, p] of a.prosumers.entries()) {
    await mintByReadings(sys, i, 10_000n); // 10 kWh each
    await sys.gridToken.connect(p).approve(trading, ethers.MaxUint256);
  }
  for (const who of [...a.prosumers, ...a.consumers, a.marketMaker]) {
    await token.mint(who.address, 1_000n * USDC);
    const erc20 = IERC20__factory.connect(await token.getAddress(), who);
    await erc20.connect(who).approve(trading, ethers.MaxUint256);
  }
}

/**
 * One crossing pair in a fresh epoch, closed and matched: the first consumer bids 1 kWh at BUY_PRICE and the first
 * prosumer asks 1 kWh at SELL_PRICE, the bid first or the ask first as `first` says (it orders the payouts).
 */
async function matchedPair({ trading, actors }: System, first: "bid" | "ask") {
  const [seller, buyer] = [actors.prosumers[0], actors.consumers[0]];
  const epoch = await freshEpoch(trading);
  const bid = () => trading.connect(buyer).createBuyOrder(KWH, BUY_PRICE);
  const ask = () => trading.connect(seller).createSellOrder(KWH, SELL_PRICE);
  if (first === "bid") await bid().then(ask);
  else await ask().then(bid);
  await closeAndMatch(trading, epoch);
  return { seller, buyer, epoch };
}

/** Ends `epoch` and matches it completely. */
async function closeAndMatch(trading: Trading, epoch: bigint) {
  await time.increaseTo(await trading.epochEnd(epoch));
  await trading.matchOrders(epoch, 100);
}

/** Moves to the start of the next epoch, so that the test's orders all fall in it; returns it. */
async function freshEpoch(trading: Trading): Promise<bigint> {
  const next = (await trading.currentEpoch()) + 1n;
  await time.increaseTo(await trading.epochStart(next));
  return next;
}

// ─────────────────────────────────────────── FIXTURES ──────────────────────────────────────────

/** A fixture for the whole system paying in the test token `name` (deployed first), with everyone funded. */
function tokenFixture<T extends ReentrantToken | FeeOnTransferToken | FalseReturningToken | BlocklistToken>(
  name: string,
) {
  return async function hostileTokenFixture() {
    let token: T | undefined;
    const sys = await deploySystem({
      paymentToken: async () => {
        token = (await ethers.deployContract(name)) as unknown as T;
        return token.getAddress();
      },
    });
    await fund(sys, token!);
    return { ...sys, token: token! };
  };
}

// loadFixture needs one function per fixture, kept for the whole file.
const reentrantFixture = tokenFixture<ReentrantToken>("ReentrantToken");
const feeFixture = tokenFixture<FeeOnTransferToken>("FeeOnTransferToken");
const falseFixture = tokenFixture<FalseReturningToken>("FalseReturningToken");
const blocklistFixture = tokenFixture<BlocklistToken>("BlocklistToken");

async function usdcFixture() {
  const sys = await deploySystem();
  const usdc = await ethers.getContractAt("MockUSDC", sys.paymentAddress);
  await fund(sys, usdc);
  return { ...sys, token: usdc };
}

/** A griefer's book: 300 orders of the minimum size, each on its own price level, 150 of them crossing; ended. */
async function griefingBookFixture() {
  const sys = await usdcFixture();
  const { trading, actors } = sys;
  const traders = [...actors.prosumers, actors.marketMaker];
  const epoch = await freshEpoch(trading);
  // 75 orders per trader, each on its own level: asks and bids spread over the same 300 levels.
  let n = 0;
  for (let i = 0; i < 75; i++) {
    for (const [t, who] of traders.entries()) {
      const level = BigInt(1 + i * 4 + t);
      const price = (t % 2 === 0 ? level : 301n - level) * 100n;
      if (t % 2 === 0) await trading.connect(who).createSellOrder(10n ** 16n, price);
      else await trading.connect(who).createBuyOrder(10n ** 16n, price);
      n++;
    }
  }
  expect(n).to.equal(300);
  await time.increaseTo(await trading.epochEnd(epoch));
  return { ...sys, epoch };
}

// ─────────────────────────────────────────── TESTS ─────────────────────────────────────────────

describe("Security: hostile environment", function () {
  describe("a payment token that re-enters Trading on transfer", function () {
    it("cannot re-enter while an order takes its escrow (ReentrancyGuardReentrantCall)", async function () {
      const { trading, token, actors } = await loadFixture(reentrantFixture);
      const buyer = actors.consumers[0];
      const reentry = trading.interface.encodeFunctionData("createBuyOrder", [KWH, BUY_PRICE]);
      await token.arm(await trading.getAddress(), reentry, true);
      await expect(trading.connect(buyer).createBuyOrder(KWH, BUY_PRICE)).to.be.revertedWithCustomError(
        trading,
        "ReentrancyGuardReentrantCall",
      );
    });

    it("cannot re-enter while a deposit pulls (ReentrancyGuardReentrantCall)", async function () {
      const { trading, token, actors } = await loadFixture(reentrantFixture);
      const tokenAddress = await token.getAddress();
      const reentry = trading.interface.encodeFunctionData("withdraw", [tokenAddress, 1n]);
      await token.arm(await trading.getAddress(), reentry, true);
      await expect(trading.connect(actors.consumers[0]).deposit(tokenAddress, USDC)).to.be.revertedWithCustomError(
        trading,
        "ReentrancyGuardReentrantCall",
      );
      expect(await trading.accountBalance(actors.consumers[0].address, tokenAddress)).to.equal(0n);
    });

    describe("cannot re-enter any state-changing entry point while a deposit pulls", function () {
      const ZERO32 = ethers.ZeroHash;
      const reentries: [string, (token: string) => unknown[]][] = [
        ["deposit", (token) => [token, USDC]],
        ["depositWithPermit", (token) => [token, USDC, 0n, 0, ZERO32, ZERO32]],
        ["createSellOrder", () => [KWH, SELL_PRICE]],
        ["createSellOrderWithPermit", () => [KWH, SELL_PRICE, 0n, 0, ZERO32, ZERO32]],
        ["createBuyOrderWithPermit", () => [KWH, BUY_PRICE, 0n, 0, ZERO32, ZERO32]],
        ["createOrders", () => [[{ side: 0, amount: KWH, price: BUY_PRICE }]]],
        ["cancelOrder", () => [1n]],
        ["cancelOrders", () => [[1n]]],
        ["matchOrders", () => [0n, 1n]],
        ["executeTrades", () => [0n, 1n]],
      ];
      for (const [name, args] of reentries) {
        it(`${name} (ReentrancyGuardReentrantCall)`, async function () {
          const { trading, token, actors } = await loadFixture(reentrantFixture);
          const tokenAddress = await token.getAddress();
          const iface: Interface = trading.interface;
          const reentry = iface.encodeFunctionData(name, args(tokenAddress));
          await token.arm(await trading.getAddress(), reentry, true);
          await expect(trading.connect(actors.consumers[0]).deposit(tokenAddress, USDC)).to.be.revertedWithCustomError(
            trading,
            "ReentrancyGuardReentrantCall",
          );
          expect(await trading.accountBalance(actors.consumers[0].address, tokenAddress)).to.equal(0n);
        });
      }
    });

    it("a cancel credits the account without calling the token; the withdrawal cannot be re-entered", async function () {
      const { trading, token, actors } = await loadFixture(reentrantFixture);
      const buyer = actors.consumers[0];
      const tokenAddress = await token.getAddress();
      const escrow = ceil(KWH * BUY_PRICE, KWH);
      const id = await trading.connect(buyer).createBuyOrder.staticCall(KWH, BUY_PRICE);
      await trading.connect(buyer).createBuyOrder(KWH, BUY_PRICE);
      const reentry = trading.interface.encodeFunctionData("withdraw", [tokenAddress, escrow]);
      await token.arm(await trading.getAddress(), reentry, true);
      await expect(trading.connect(buyer).cancelOrder(id)).to.changeTokenBalances(token, [buyer, trading], [0n, 0n]);
      expect(await token.reentryAttempts()).to.equal(0n);
      expect(await trading.accountBalance(buyer.address, tokenAddress)).to.equal(escrow);
      await expect(trading.connect(buyer).withdraw(tokenAddress, escrow)).to.be.revertedWithCustomError(
        trading,
        "ReentrancyGuardReentrantCall",
      );
      // The account is untouched; once the token behaves the owner withdraws it.
      await token.disarm();
      await expect(trading.connect(buyer).withdraw(tokenAddress, escrow)).to.changeTokenBalances(
        token,
        [buyer, trading],
        [escrow, -escrow],
      );
    });

    it("cannot block a settlement batch: settlement credits accounts and never calls the payment token", async function () {
      const sys = await loadFixture(reentrantFixture);
      const { trading, token, actors, gridToken } = sys;
      const { seller, buyer, epoch } = await matchedPair(sys, "bid");
      const reentry = trading.interface.encodeFunctionData("executeTrades", [epoch, 10]);
      await token.arm(await trading.getAddress(), reentry, true);
      const tokenAddress = await token.getAddress();
      const tx = trading.executeTrades(epoch, 10);
      await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, KWH, CLEARING, 0n, actors.treasury.address);
      await expect(tx).to.changeTokenBalances(token, [buyer, seller, trading], [0n, 0n, 0n]);
      await expect(tx).to.changeTokenBalances(gridToken, [buyer], [KWH]);
      expect(await token.reentryAttempts()).to.equal(0n);
      expect(await trading.accountBalance(buyer.address, tokenAddress)).to.equal(PAIR_REFUND);
      expect(await trading.accountBalance(seller.address, tokenAddress)).to.equal(PAIR_PROCEEDS);
      // The armed token still guards the withdrawal: a re-entry from it fails, the recorded error says why.
      await token.arm(await trading.getAddress(), reentry, false);
      await expect(trading.connect(seller).withdraw(tokenAddress, PAIR_PROCEEDS)).to.changeTokenBalances(
        token,
        [seller, trading],
        [PAIR_PROCEEDS, -PAIR_PROCEEDS],
      );
      expect(await token.reentryAttempts()).to.equal(1n);
      expect(await token.lastReentryError()).to.equal(
        trading.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
    });
  });

  describe("a fee-on-transfer payment token", function () {
    it("is refused at the escrow pull (TradingTransferAmountMismatch)", async function () {
      const { trading, token, actors } = await loadFixture(feeFixture);
      const escrow = ceil(KWH * BUY_PRICE, KWH);
      const received = escrow - (escrow * (await token.FEE_BPS())) / 10_000n;
      await expect(trading.connect(actors.consumers[0]).createBuyOrder(KWH, BUY_PRICE))
        .to.be.revertedWithCustomError(trading, "TradingTransferAmountMismatch")
        .withArgs(escrow, received);
    });

    it("is refused at a deposit (TradingTransferAmountMismatch)", async function () {
      const { trading, token, actors } = await loadFixture(feeFixture);
      const amount = 10n * USDC;
      const received = amount - (amount * (await token.FEE_BPS())) / 10_000n;
      await expect(trading.connect(actors.consumers[0]).deposit(await token.getAddress(), amount))
        .to.be.revertedWithCustomError(trading, "TradingTransferAmountMismatch")
        .withArgs(amount, received);
    });
  });

  describe("a payment token that returns false", function () {
    it("makes the escrow pull and a deposit revert (SafeERC20FailedOperation)", async function () {
      const { trading, token, actors } = await loadFixture(falseFixture);
      const tokenAddress = await token.getAddress();
      await token.setFailing(true);
      await expect(trading.connect(actors.consumers[0]).createBuyOrder(KWH, BUY_PRICE))
        .to.be.revertedWithCustomError(trading, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      await expect(trading.connect(actors.consumers[0]).deposit(tokenAddress, USDC))
        .to.be.revertedWithCustomError(trading, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
    });

    it("cannot stop settlement; a withdrawal reverts while it fails and goes through once it works", async function () {
      const sys = await loadFixture(falseFixture);
      const { trading, token } = sys;
      const { seller, buyer, epoch } = await matchedPair(sys, "ask");
      await token.setFailing(true);
      const tokenAddress = await token.getAddress();
      await expect(trading.executeTrades(epoch, 10)).to.emit(trading, "EpochSettled");
      expect(await trading.accountBalance(seller.address, tokenAddress)).to.equal(PAIR_PROCEEDS);
      await expect(trading.connect(seller).withdraw(tokenAddress, PAIR_PROCEEDS))
        .to.be.revertedWithCustomError(trading, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      expect(await trading.accountBalance(seller.address, tokenAddress)).to.equal(PAIR_PROCEEDS);
      await token.setFailing(false);
      await expect(trading.connect(seller).withdraw(tokenAddress, PAIR_PROCEEDS)).to.changeTokenBalances(
        token,
        [seller, trading],
        [PAIR_PROCEEDS, -PAIR_PROCEEDS],
      );
      await expect(trading.connect(buyer).withdraw(tokenAddress, PAIR_REFUND))
        .to.emit(trading, "Withdrawn")
        .withArgs(buyer.address, tokenAddress, PAIR_REFUND);
    });
  });

  describe("a payment token that blocks one address", function () {
    it("blocks only the blocked user's withdrawal: settlement, others' orders and withdrawals go on", async function () {
      const { trading, token, actors, gridToken } = await loadFixture(blocklistFixture);
      const [s1, s2] = actors.prosumers;
      const [b1, b2] = actors.consumers;
      const tokenAddress = await token.getAddress();
      const epoch = await freshEpoch(trading);
      await trading.connect(s1).createSellOrder(KWH, SELL_PRICE);
      await trading.connect(s2).createSellOrder(KWH, SELL_PRICE);
      await trading.connect(b1).createBuyOrder(KWH, BUY_PRICE);
      await trading.connect(b2).createBuyOrder(KWH, BUY_PRICE);
      await closeAndMatch(trading, epoch);
      await token.setBlocked(s2.address);

      const tx = trading.executeTrades(epoch, 10);
      await expect(tx).to.emit(trading, "EpochSettled");
      await expect(tx).to.changeTokenBalances(token, [s1, s2, b1, b2, trading], [0n, 0n, 0n, 0n, 0n]);
      await expect(tx).to.changeTokenBalances(gridToken, [b1, b2, trading], [KWH, KWH, -2n * KWH]);
      for (const s of [s1, s2]) expect(await trading.accountBalance(s.address, tokenAddress)).to.equal(PAIR_PROCEEDS);

      // The blocked seller cannot withdraw; everybody else can, and a buyer still places an order.
      await expect(trading.connect(s2).withdraw(tokenAddress, PAIR_PROCEEDS))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocked")
        .withArgs(s2.address);
      await expect(trading.connect(s1).withdraw(tokenAddress, PAIR_PROCEEDS)).to.changeTokenBalances(
        token,
        [s1, trading],
        [PAIR_PROCEEDS, -PAIR_PROCEEDS],
      );
      await expect(trading.connect(b1).withdraw(tokenAddress, PAIR_REFUND)).to.changeTokenBalances(
        token,
        [b1, trading],
        [PAIR_REFUND, -PAIR_REFUND],
      );
      await expect(trading.connect(b2).createBuyOrder(KWH, BUY_PRICE)).to.emit(trading, "OrderCreated");
      await token.setBlocked(ethers.ZeroAddress);
      await expect(trading.connect(s2).withdraw(tokenAddress, PAIR_PROCEEDS)).to.changeTokenBalances(
        token,
        [s2, trading],
        [PAIR_PROCEEDS, -PAIR_PROCEEDS],
      );
      expect(await trading.accountBalance(s2.address, tokenAddress)).to.equal(0n);
    });

    it("lets a blocked buyer receive its GRID; its refund waits in its account", async function () {
      const sys = await loadFixture(blocklistFixture);
      const { trading, token, gridToken } = sys;
      const { buyer, epoch } = await matchedPair(sys, "ask");
      await token.setBlocked(buyer.address);
      const tx = trading.executeTrades(epoch, 10);
      await expect(tx).to.changeTokenBalances(gridToken, [buyer], [KWH]);
      expect(await trading.accountBalance(buyer.address, await token.getAddress())).to.equal(PAIR_REFUND);
    });
  });

  describe("a failed GRID delivery", function () {
    it("is credited to the buyer's account (Credited) and withdrawable once GRID moves again", async function () {
      const sys = await loadFixture(usdcFixture);
      const { trading, gridToken, actors } = sys;
      const { buyer, epoch } = await matchedPair(sys, "bid");
      const gridAddress = await gridToken.getAddress();
      await gridToken.connect(actors.admin).pause();
      const tx = trading.executeTrades(epoch, 10);
      await expect(tx).to.emit(trading, "Credited").withArgs(buyer.address, gridAddress, KWH);
      await expect(tx).to.emit(trading, "EpochSettled");
      await expect(tx).to.changeTokenBalances(gridToken, [buyer, trading], [0n, 0n]);
      expect(await trading.accountBalance(buyer.address, gridAddress)).to.equal(KWH);
      await gridToken.connect(actors.admin).unpause();
      await expect(trading.connect(buyer).withdraw(gridAddress, KWH)).to.changeTokenBalances(
        gridToken,
        [buyer, trading],
        [KWH, -KWH],
      );
    });
  });

  describe("dust and order-count griefing", function () {
    it("refuses dust: amounts that are not whole watt-hours or below the minimum", async function () {
      const { trading, actors } = await loadFixture(usdcFixture);
      const buyer = actors.consumers[0];
      await expect(trading.connect(buyer).createBuyOrder(10n ** 16n + 1n, BUY_PRICE))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(10n ** 16n + 1n);
      await expect(trading.connect(buyer).createBuyOrder(9n * WH, BUY_PRICE))
        .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
        .withArgs(9n * WH, 10n ** 16n);
      await expect(trading.connect(buyer).createBuyOrder(1n, 100n))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(1n);
    });

    it("caps the orders per user and epoch, cancelled ones included, and resets the count each epoch", async function () {
      const { trading, actors } = await loadFixture(usdcFixture);
      await trading.connect(actors.regulator).setMaxOrdersPerUser(3);
      const buyer = actors.consumers[0];
      const epoch = await freshEpoch(trading);
      const first = await trading.connect(buyer).createBuyOrder.staticCall(10n ** 16n, BUY_PRICE);
      for (let i = 0; i < 3; i++) await trading.connect(buyer).createBuyOrder(10n ** 16n, BUY_PRICE);
      await trading.connect(buyer).cancelOrder(first);
      await expect(trading.connect(buyer).createBuyOrder(10n ** 16n, BUY_PRICE))
        .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
        .withArgs(buyer.address, epoch, 3n);
      await time.increaseTo(await trading.epochEnd(epoch));
      await expect(trading.connect(buyer).createBuyOrder(10n ** 16n, BUY_PRICE)).to.emit(trading, "OrderCreated");
    });

    it("keeps every clearing call bounded on a book of 300 minimum-size orders on 300 price levels @skip-on-coverage", async function () {
      const { trading, epoch } = await loadFixture(griefingBookFixture);
      const gas: bigint[] = [];
      let done = false;
      while (!done) {
        done = await trading.matchOrders.staticCall(epoch, 50);
        const receipt = await (await trading.matchOrders(epoch, 50)).wait();
        gas.push(receipt!.gasUsed);
      }
      // SPEC 8.4: ≤ 15,000 per level walked plus ≤ 40,000 fixed, whatever the book.
      for (const g of gas) expect(g).to.be.lessThanOrEqual(40_000n + 50n * 15_000n);
      done = false;
      while (!done) {
        done = await trading.executeTrades.staticCall(epoch, 50);
        const receipt = await (await trading.executeTrades(epoch, 50)).wait();
        // SPEC 10: ≤ 50,000 per settled order in the worst case.
        expect(receipt!.gasUsed).to.be.lessThanOrEqual(50n * 50_000n);
      }
      expect((await trading.getEpochResult(epoch)).status).to.equal(5n);
    });
  });

  describe("the largest upkeep regulators can configure", function () {
    it("stays under Chainlink's 5,000,000 maxPerformGas per performUpkeep on the griefing book @skip-on-coverage", async function () {
      const { trading, oracle, actors, epoch } = await loadFixture(griefingBookFixture);
      const [maxSteps, maxOrders] = [await oracle.MAX_MATCH_STEPS(), await oracle.MAX_SETTLE_ORDERS()];
      await expect(oracle.connect(actors.regulator).setUpkeepBatchSizes(maxSteps + 1n, maxOrders))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchSizes")
        .withArgs(maxSteps + 1n, maxOrders);
      await expect(oracle.connect(actors.regulator).setUpkeepBatchSizes(maxSteps, maxOrders + 1n))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchSizes")
        .withArgs(maxSteps, maxOrders + 1n);
      await expect(oracle.connect(actors.regulator).setUpkeepBatchSizes(maxSteps, maxOrders))
        .to.emit(oracle, "UpkeepBatchSizesUpdated")
        .withArgs(maxSteps, maxOrders);
      let calls = 0;
      while ((await trading.getEpochResult(epoch)).status !== 5n) {
        const receipt = await (await oracle.connect(actors.forwarder).performUpkeep("0x")).wait();
        expect(receipt!.gasUsed).to.be.lessThanOrEqual(5_000_000n);
        expect(++calls).to.be.lessThanOrEqual(10);
      }
    });
  });

  describe("a forged upkeep hint", function () {
    it("is ignored: performUpkeep reads the work again from Trading", async function () {
      const { trading, oracle, actors } = await loadFixture(usdcFixture);
      await oracle.connect(actors.regulator).setUpkeepBatchSizes(1, 1);
      const epoch = await freshEpoch(trading);
      await trading.connect(actors.prosumers[0]).createSellOrder(KWH, SELL_PRICE);
      await trading.connect(actors.prosumers[1]).createSellOrder(KWH, SELL_PRICE + 100n);
      await trading.connect(actors.consumers[0]).createBuyOrder(KWH, BUY_PRICE);
      await trading.connect(actors.consumers[1]).createBuyOrder(KWH, BUY_PRICE - 100n);
      await time.increaseTo(await trading.epochEnd(epoch));
      // The hint claims settlement of a far epoch; the real work is matching `epoch`.
      const forged = ethers.AbiCoder.defaultAbiCoder().encode(["uint8", "uint256"], [2, epoch + 1_000n]);
      await expect(oracle.connect(actors.forwarder).performUpkeep(forged))
        .to.emit(oracle, "UpkeepPerformed")
        .withArgs(1, epoch, false, actors.forwarder.address);
      // Garbage that does not even decode is just as harmless: the upkeep keeps doing the real work.
      for (let i = 0; i < 10 && (await trading.getEpochResult(epoch)).status !== 5n; i++) {
        await expect(oracle.connect(actors.forwarder).performUpkeep(i % 2 === 0 ? "0xdeadbeef" : forged)).to.emit(
          oracle,
          "UpkeepPerformed",
        );
      }
      const result = await trading.getEpochResult(epoch);
      expect(result.status).to.equal(5n);
      expect(result.volume).to.equal(2n * KWH);
      await expect(oracle.connect(actors.forwarder).performUpkeep(forged)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientNoUpkeepNeeded",
      );
    });
  });

  describe("malformed CRE metadata", function () {
    it("is refused below the 62 bytes that hold workflow id and owner, and read exactly at 62", async function () {
      const { oracle, actors } = await loadFixture(usdcFixture);
      const forwarder = actors.creForwarder;
      const workflowOwner = actors.outsider.address;
      await oracle.connect(actors.admin).setCreWorkflow(ethers.ZeroHash, workflowOwner);
      // id (32) | name (10) | owner (20): the shortest metadata that carries the owner.
      const metadata = ethers.solidityPacked(
        ["bytes32", "bytes10", "address"],
        [ethers.id("wf"), ethers.zeroPadBytes("0x01", 10), workflowOwner],
      );
      const report = ethers.AbiCoder.defaultAbiCoder().encode(["uint8", "bytes"], [2, "0x"]);
      await expect(oracle.connect(forwarder).onReport(ethers.dataSlice(metadata, 0, 61), report))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidMetadata")
        .withArgs(61);
      // 62 bytes pass the length check and name the allowed owner; there is just no clearing work to do.
      await expect(oracle.connect(forwarder).onReport(metadata, report)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientNoUpkeepNeeded",
      );
      const stranger = ethers.solidityPacked(
        ["bytes32", "bytes10", "address"],
        [ethers.id("wf"), ethers.zeroPadBytes("0x01", 10), forwarder.address],
      );
      await expect(oracle.connect(forwarder).onReport(stranger, report))
        .to.be.revertedWithCustomError(oracle, "OracleClientUnauthorizedWorkflow")
        .withArgs(ethers.id("wf"), forwarder.address);
    });
  });

  describe("expired and replayed signatures", function () {
    /** The first consumer, its allowance to Trading revoked, with a permit for a 1 kWh bid's escrow, valid an hour. */
    async function buyerWithPermit() {
      const sys = await loadFixture(usdcFixture);
      const buyer = sys.actors.consumers[0];
      const tradingAddress = await sys.trading.getAddress();
      await sys.token.connect(buyer).approve(tradingAddress, 0n);
      const escrow = ceil(KWH * BUY_PRICE, KWH);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3_600n;
      const { v, r, s } = await signPermit(sys.token, buyer, tradingAddress, escrow, deadline);
      return { ...sys, buyer, tradingAddress, escrow, deadline, v, r, s };
    }

    it("an expired permit grants nothing", async function () {
      const { trading, gridToken, actors } = await loadFixture(usdcFixture);
      const seller = actors.prosumers[0];
      const tradingAddress = await trading.getAddress();
      await gridToken.connect(seller).approve(tradingAddress, 0n);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) - 1n;
      const { v, r, s } = await signPermit(gridToken, seller, tradingAddress, KWH, deadline);
      await expect(trading.connect(seller).createSellOrderWithPermit(KWH, SELL_PRICE, deadline, v, r, s))
        .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientAllowance")
        .withArgs(tradingAddress, 0n, KWH);
    });

    it("a permit works once: replaying it grants nothing more", async function () {
      const { trading, token, buyer, tradingAddress, escrow, deadline, v, r, s } = await buyerWithPermit();
      await expect(
        trading.connect(buyer).createBuyOrderWithPermit(KWH, BUY_PRICE, deadline, v, r, s),
      ).to.changeTokenBalances(token, [buyer, trading], [-escrow, escrow]);
      await expect(trading.connect(buyer).createBuyOrderWithPermit(KWH, BUY_PRICE, deadline, v, r, s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(tradingAddress, 0n, escrow);
    });

    it("a front-run permit does not block the order", async function () {
      const { trading, token, actors, buyer, tradingAddress, escrow, deadline, v, r, s } = await buyerWithPermit();
      await token.connect(actors.outsider).permit(buyer.address, tradingAddress, escrow, deadline, v, r, s);
      await expect(trading.connect(buyer).createBuyOrderWithPermit(KWH, BUY_PRICE, deadline, v, r, s)).to.emit(
        trading,
        "OrderCreated",
      );
    });

    describe("signed meter readings", function () {
      async function signedFixture() {
        const sys = await usdcFixture();
        const key = ethers.Wallet.createRandom();
        const meterId = sys.meters[0];
        await sys.registry.connect(sys.actors.regulator).setMeterSigner(meterId, key.address);
        const { chainId } = await ethers.provider.getNetwork();
        const domain = {
          name: "GridMarket OracleClient",
          version: "1",
          chainId,
          verifyingContract: await sys.oracle.getAddress(),
        };
        const types = METER_READING_TYPES;
        const last = (await sys.oracle.getMeterState(meterId)).lastReadAt;
        const reading = { meterId, exportWh: 10_360n, importWh: 0n, readAt: last + 3_600n };
        await time.increaseTo(reading.readAt);
        const signature = await key.signTypedData(domain, types, reading);
        return { ...sys, key, meterId, reading, signature, domain, types };
      }

      it("a replayed reading is rejected as stale and mints nothing", async function () {
        const { oracle, gridToken, actors, reading, signature, meterId } = await loadFixture(signedFixture);
        const owner = actors.prosumers[0];
        await expect(
          oracle.connect(actors.outsider).submitSignedReadings([reading], [signature]),
        ).to.changeTokenBalance(gridToken, owner, 360n * WH);
        const replay = oracle.connect(actors.outsider).submitSignedReadings([reading], [signature]);
        await expect(replay).to.emit(oracle, "ReadingRejected").withArgs(meterId, reading.readAt, 3);
        await expect(replay).to.changeTokenBalance(gridToken, owner, 0n);
      });

      it("a reading signed by another key, for another contract, or altered after signing is rejected", async function () {
        const { oracle, gridToken, actors, reading, signature, domain, types, meterId, key } =
          await loadFixture(signedFixture);
        const stranger = ethers.Wallet.createRandom();
        const wrongKey = await stranger.signTypedData(domain, types, reading);
        const wrongDomain = await key.signTypedData(
          { ...domain, verifyingContract: actors.outsider.address },
          types,
          reading,
        );
        const altered = { ...reading, exportWh: reading.exportWh + 1_000n };
        const tx = oracle
          .connect(actors.outsider)
          .submitSignedReadings([reading, reading, altered], [wrongKey, wrongDomain, signature]);
        await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(meterId, reading.readAt, 9);
        await expect(tx).to.changeTokenBalance(gridToken, actors.prosumers[0], 0n);
      });
    });
  });
});
