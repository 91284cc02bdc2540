/**
 * The OracleClient's upkeep slicing against the real Trading (the scripted market of automation.test.ts checks
 * the arithmetic; this checks the gas it was sized for): one upkeep at the largest accepted batch sizes on a
 * worst-case book stays within the 4.5M-gas budget, measured from the receipts; and a 1,000-order epoch over
 * 100 price levels clears in at most 8 upkeeps at the default sizes.
 */
import { takeSnapshot, type SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import type { BookLoader } from "../../typechain-types";
import { randomTradedBook } from "../helpers/books";
import {
  deployBookMarket,
  placeAndClear,
  setNextTimestamp,
  type BookMarket,
  type LoadedOrder,
} from "../helpers/bookMarket";
import { clear } from "../helpers/clearingModel";
import { DEFAULT_MIN_ORDER_AMOUNT, KWH, WH, orderId } from "../helpers/constants";
import { EpochStatus, Side } from "../helpers/enums";

const TICK = 100n;
/** Buyers holding no GRID: 5 loaders of 20 traders each (a loader deploys its traders in its constructor). */
const EMPTY_LOADERS = 5;
const EMPTY_PER_LOADER = 20;

interface UpkeepRun {
  gas: bigint[];
  settled: boolean;
}

/** Calls performUpkeep as the operator until `epoch` is settled; the gas of every upkeep, from its receipt. */
async function upkeepUntilSettled(market: BookMarket, epoch: bigint, limit = 100): Promise<UpkeepRun> {
  const gas: bigint[] = [];
  const operator = market.admin; // the admin is the first oracle operator
  for (let i = 0; i < limit; i++) {
    const receipt = await (
      await market.oracleClient.connect(operator).performUpkeep("0x", { gasLimit: 10_000_000 })
    ).wait();
    gas.push(receipt!.gasUsed);
    if ((await market.trading.getEpochResult(epoch)).status === BigInt(EpochStatus.Settled)) {
      return { gas, settled: true };
    }
  }
  return { gas, settled: false };
}

describe("OracleClient upkeep slicing on the real Trading", function () {
  let market: BookMarket;
  let initial: SnapshotRestorer;
  let start: SnapshotRestorer;

  before(async function () {
    initial = await takeSnapshot();
    market = await deployBookMarket(4);
    start = await takeSnapshot();
  });

  after(async function () {
    await initial.restore();
  });

  it("one upkeep at the largest batch sizes on a worst-case book stays within the 4.5M-gas budget @skip-on-coverage", async function () {
    await start.restore();
    const { trading, oracleClient, regulator, paymentToken, gridToken } = market;
    const tradingAddress = await trading.getAddress();
    const [gridAddress, paymentAddress] = market.tokenAddresses;
    await oracleClient
      .connect(regulator)
      .setUpkeepBatchSizes(await oracleClient.MAX_MATCH_STEPS(), await oracleClient.MAX_SETTLE_ORDERS());

    // 100 buyers with no GRID and no account: each settlement writes a zero GRID balance and a zero account.
    const loaders: BookLoader[] = [];
    for (let l = 0; l < EMPTY_LOADERS; l++) {
      const loader = await ethers.deployContract("BookLoader", [
        tradingAddress,
        gridAddress,
        paymentAddress,
        EMPTY_PER_LOADER,
      ]);
      for (let i = 0; i < EMPTY_PER_LOADER; i++) {
        const trader = await loader.traders(i);
        await trading.connect(regulator).addMarketMaker(trader);
        await paymentToken.mint(trader, 10n ** 12n);
        expect(await gridToken.balanceOf(trader)).to.equal(0n);
      }
      loaders.push(loader as unknown as BookLoader);
    }

    const epoch = (await trading.currentEpoch()) + 1n;
    await setNextTimestamp(await trading.epochStart(epoch));
    // The bids first (orders 1–100, one level each, all filled above the clearing price: a refund and a GRID
    // delivery each), then 150 asks on 150 levels below them from the GRID holders: 250 levels to walk.
    for (const [l, loader] of loaders.entries()) {
      const bids = Array.from({ length: EMPTY_PER_LOADER }, (_, i) => ({
        trader: i,
        side: Side.Buy,
        cancel: false,
        amount: KWH / 10n,
        price: (1_000n + BigInt(l * EMPTY_PER_LOADER + i)) * TICK,
      }));
      await loader.placeBook(bids, false);
    }
    const asks: LoadedOrder[] = Array.from({ length: 150 }, (_, i) => ({
      id: orderId(epoch, 101 + i),
      trader: i % 4,
      side: Side.Sell,
      amount: KWH / 10n,
      price: BigInt(1 + i) * TICK,
    }));
    await placeAndClear(market, asks, null);
    expect((await trading.getEpochResult(epoch)).orderCount).to.equal(250n);
    await setNextTimestamp(await trading.epochEnd(epoch));

    const run = await upkeepUntilSettled(market, epoch);
    const largest = run.gas.reduce((a, b) => (b > a ? b : a), 0n);
    console.log(
      `      worst-case book (100 zero-GRID buyers, 250 levels) at (${await oracleClient.matchStepsPerUpkeep()}, ` +
        `${await oracleClient.settleOrdersPerUpkeep()}): ${run.gas.length} upkeeps, gas ${run.gas.join(", ")}; ` +
        `largest ${largest}`,
    );
    expect(run.settled).to.equal(true);
    expect(largest <= 4_500_000n, `largest upkeep ${largest} gas`).to.equal(true);
    // Every buyer got its GRID delivered to its wallet.
    for (const loader of loaders) {
      for (let i = 0; i < EMPTY_PER_LOADER; i++) {
        expect(await gridToken.balanceOf(await loader.traders(i))).to.equal(KWH / 10n);
      }
    }
  });

  it("clears a 1,000-order epoch over 100 levels in at most 8 upkeeps at the default batch sizes @skip-on-coverage", async function () {
    await start.restore();
    const { trading, oracleClient } = market;
    const epoch = (await trading.currentEpoch()) + 1n;
    const orders = randomTradedBook(4, {
      seed: 0x7e5,
      size: 1_000,
      distribution: "spread",
      tickSize: TICK,
      maxPrice: 100n * TICK,
      minAmount: DEFAULT_MIN_ORDER_AMOUNT,
      maxAmount: 20n * 1000n * WH,
      cancelRate: 0.1,
      buyShare: 0.5,
      epoch,
    });
    const model = clear(orders, 0n);
    await setNextTimestamp(await trading.epochStart(epoch));
    await placeAndClear(market, orders, null);
    await setNextTimestamp(await trading.epochEnd(epoch));

    const run = await upkeepUntilSettled(market, epoch);
    const largest = run.gas.reduce((a, b) => (b > a ? b : a), 0n);
    console.log(
      `      1,000-order epoch over 100 levels at (${await oracleClient.matchStepsPerUpkeep()}, ` +
        `${await oracleClient.settleOrdersPerUpkeep()}): ${run.gas.length} upkeeps, gas ${run.gas.join(", ")}; ` +
        `largest ${largest}`,
    );
    expect(run.settled).to.equal(true);
    expect(run.gas.length).to.be.at.most(8);
    for (const used of run.gas) expect(used <= 4_500_000n, `upkeep of ${used} gas`).to.equal(true);
    const result = await trading.getEpochResult(epoch);
    expect([result.clearingPrice, result.volume]).to.deep.equal([model.clearingPrice, model.volume]);
  });
});
