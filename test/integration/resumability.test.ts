import { takeSnapshot, time, type SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, network } from "hardhat";

import { Rng } from "../../lib/random";
import { randomTradedBook } from "../helpers/books";
import {
  clearingEvents,
  deployBookMarket,
  holding,
  Ledger,
  placeAndClear,
  ORDERS_PER_TX,
  readState,
  sendRaw,
  setNextTimestamp,
  type BookMarket,
  type ClearingEvents,
  type LoadedOrder,
  type MarketState,
  type RawLog,
} from "../helpers/bookMarket";
import { clear, type ClearingResult } from "../helpers/clearingModel";
import { DEFAULT_MIN_ORDER_AMOUNT, WH } from "../helpers/constants";
import { EpochStatus, OrderStatus, Side, Work } from "../helpers/enums";

// Clearing is a resumable state machine: however it is sliced, and whoever calls, an epoch must end in exactly
// the same state. An epoch over 100 price levels is cleared in one go (one matchOrders and one executeTrades
// call) and again in random slices of 1–7 levels / orders by two alternating keepers. `npm test` uses 300 orders;
// HEAVY=1 (a step of `.ci/run`) 1,000, whose single-call clearing (about 15.3M gas) must fit the 2^24 transaction cap.
const ORDERS = process.env.HEAVY === "1" ? 1_000 : 300;
const LEVELS = 100n;
const TRADERS = 4;
const TICK = 100n;

/** Everything an epoch's clearing leaves behind that slicing must not change. */
interface Outcome {
  state: MarketState;
  events: ClearingEvents;
  calls: number;
  levelsWalked: bigint;
}

describe("Resumability: sliced clearing ends in the same state @skip-on-coverage", function () {
  let market: BookMarket;
  let keepers: string[];
  let epoch: bigint;
  let orders: LoadedOrder[];
  let model: ClearingResult;
  let closed: SnapshotRestorer;
  let oneGo: Outcome;

  const tradingCall = (name: "matchOrders" | "executeTrades", batch: bigint): string =>
    name === "matchOrders"
      ? market.trading.interface.encodeFunctionData("matchOrders", [epoch, batch])
      : market.trading.interface.encodeFunctionData("executeTrades", [epoch, batch]);

  /** Moves the next block's time to `timestamp` unless the chain is already past it. */
  async function notBefore(timestamp: bigint): Promise<void> {
    if (BigInt(await time.latest()) < timestamp) await setNextTimestamp(timestamp);
  }

  async function pendingWork(): Promise<[bigint, bigint]> {
    const [work, at] = await market.trading.pendingEpochWork();
    return [work, at];
  }

  async function epochStatus(): Promise<bigint> {
    return (await market.trading.getEpochResult(epoch)).status;
  }

  async function finish(logs: RawLog[], calls: number): Promise<Outcome> {
    const events = clearingEvents(market, logs);
    return {
      state: await readState(market, { epochs: [epoch], ids: orders.map((o) => o.id) }),
      events,
      calls,
      levelsWalked: events.progressed.reduce((sum, e) => sum + e.levels, 0n),
    };
  }

  let initial: SnapshotRestorer;

  before(async function () {
    initial = await takeSnapshot();
    market = await deployBookMarket(TRADERS);
    const signers = await ethers.getSigners();
    keepers = [signers[3].address, signers[4].address];
    await market.trading.connect(market.admin).setFee(25n, market.feeRecipient.address);
    epoch = (await market.trading.currentEpoch()) + 1n;
    orders = randomTradedBook(TRADERS, {
      seed: 0x7e5,
      size: ORDERS,
      distribution: "spread",
      tickSize: TICK,
      maxPrice: LEVELS * TICK,
      minAmount: DEFAULT_MIN_ORDER_AMOUNT,
      maxAmount: 20n * 1000n * WH,
      cancelRate: 0.1,
      buyShare: 0.5,
      epoch,
    });
    model = clear(orders, 25n);
    await setNextTimestamp(await market.trading.epochStart(epoch));
    await placeAndClear(market, orders, null);
    await setNextTimestamp(await market.trading.epochEnd(epoch));
    await network.provider.send("evm_mine", []);
    closed = await takeSnapshot();
  });

  after(async function () {
    await initial.restore();
  });

  it(`places a ${ORDERS}-order book over up to 100 price levels that crosses at a partial margin`, async function () {
    const result = await market.trading.getEpochResult(epoch);
    expect(result.status).to.equal(EpochStatus.Closed);
    expect(result.orderCount).to.equal(BigInt(ORDERS));
    expect(new Set(orders.map((o) => o.price)).size).to.be.greaterThan(90);
    expect(model.volume).to.be.greaterThan(0n);
    const partial = orders.filter((o) => {
      const filled = model.fills.get(o.id) ?? 0n;
      return filled > 0n && filled < o.amount;
    });
    expect(partial.length).to.be.within(1, 2);
    expect(await pendingWork()).to.deep.equal([BigInt(Work.Match), epoch]);
  });

  it("clears in one go: one matchOrders call and one executeTrades call for all orders", async function () {
    const logs: RawLog[] = [];
    logs.push(...(await sendRaw(keepers[0], market.tradingAddress, tradingCall("matchOrders", 65_535n))));
    expect(await epochStatus()).to.equal(EpochStatus.Settling);
    logs.push(...(await sendRaw(keepers[0], market.tradingAddress, tradingCall("executeTrades", BigInt(ORDERS)))));
    expect(await epochStatus()).to.equal(EpochStatus.Settled);
    oneGo = await finish(logs, 2);

    // The one-go outcome is the model's.
    const r = oneGo.state.results[0];
    expect([r.clearingPrice, r.volume, r.bidPrice, r.askPrice]).to.deep.equal([
      model.clearingPrice,
      model.volume,
      model.bidPrice,
      model.askPrice,
    ]);
    expect(oneGo.state.orders.map((o) => o.filled)).to.deep.equal(orders.map((o) => model.fills.get(o.id)));
    expect(oneGo.events.settled.map((e) => e.fees)).to.deep.equal([model.feeCredit]);
    expect(oneGo.events.progressed).to.have.length(1);
  });

  it("ends in exactly the same state when cleared in random slices of 1–7 by alternating keepers", async function () {
    await closed.restore();
    const rng = new Rng(0x51ce);
    const logs: RawLog[] = [];
    let calls = 0;
    let volume = 0n;
    for (let done = false; !done; calls++) {
      const steps = BigInt(rng.int(1, 7));
      logs.push(...(await sendRaw(keepers[calls % 2], market.tradingAddress, tradingCall("matchOrders", steps))));
      const result = await market.trading.getEpochResult(epoch);
      expect(result.volume).to.be.gte(volume);
      volume = result.volume;
      done = result.status === BigInt(EpochStatus.Settling);
      if (!done) {
        expect(result.status).to.equal(EpochStatus.Matching);
        expect(result.clearingPrice).to.equal(0n);
        expect(await pendingWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      }
    }
    expect(await pendingWork()).to.deep.equal([BigInt(Work.Settle), epoch]);
    let settled = 0n;
    while (settled < BigInt(ORDERS)) {
      const batch = BigInt(rng.int(1, 7));
      logs.push(...(await sendRaw(keepers[calls % 2], market.tradingAddress, tradingCall("executeTrades", batch))));
      calls++;
      const result = await market.trading.getEpochResult(epoch);
      settled = settled + batch < BigInt(ORDERS) ? settled + batch : BigInt(ORDERS);
      expect(result.settledCount).to.equal(settled);
      expect(result.status).to.equal(settled === BigInt(ORDERS) ? EpochStatus.Settled : EpochStatus.Settling);
    }
    expect(await pendingWork()).to.deep.equal([BigInt(Work.None), 0n]);
    const sliced = await finish(logs, calls);

    expect(sliced.calls).to.be.greaterThan(ORDERS / 7); // slices of at most 7 orders
    expect(sliced.state).to.deep.equal(oneGo.state);
    expect(sliced.events.filled).to.deep.equal(oneGo.events.filled);
    expect(sliced.events.matched).to.deep.equal(oneGo.events.matched);
    expect(sliced.events.settled).to.deep.equal(oneGo.events.settled);
    expect(sliced.events.credited).to.deep.equal(oneGo.events.credited);
    expect(sliced.levelsWalked).to.equal(oneGo.levelsWalked);
    expect(sliced.events.progressed.filter((e) => e.done)).to.have.length(1);
  });

  it("leaves Trading holding exactly its accounts once epochs settle, failed GRID deliveries included", async function () {
    // From the sliced run's end: epoch `epoch` settled; proceeds, refunds, unfilled GRID and fees are in accounts.
    const { trading, gridToken, loader, admin, feeRecipient, traderAddresses, tradingAddress } = market;
    const start = await readState(market);
    const accountsTotal = (state: MarketState, token: 0 | 1): bigint =>
      market.accounts.reduce((sum, a) => sum + (state.credits.get(holding(token, a)) ?? 0n), 0n);
    expect(start.balances.get(holding(0, tradingAddress))).to.equal(accountsTotal(start, 0));
    expect(start.balances.get(holding(1, tradingAddress))).to.equal(accountsTotal(start, 1));
    expect(start.credits.get(holding(1, market.feeRecipientAddress))).to.equal(model.feeCredit);

    // Next epoch: a 200-order book placed in batches (createOrders / cancelOrders), funded first from what the
    // accounts hold, the rest pulled from the wallets; while it is open Trading holds its escrow on top.
    const next = epoch + 1n;
    const book = randomTradedBook(TRADERS, {
      seed: 0xc0ffee,
      size: 200,
      distribution: "clustered",
      tickSize: TICK,
      maxPrice: LEVELS * TICK,
      minAmount: DEFAULT_MIN_ORDER_AMOUNT,
      cancelRate: 0.1,
      buyShare: 0.5,
      epoch: next,
    });
    const nextModel = clear(book, 25n);
    expect(nextModel.volume).to.be.greaterThan(0n);
    const ledger = new Ledger(market, start);
    await notBefore(await trading.epochStart(next));
    const placeLogs = await placeAndClear(market, book, null, true);
    const depositedTopic = trading.interface.getEvent("Deposited").topicHash;
    const createdTopic = trading.interface.getEvent("OrderCreated").topicHash;
    const created = placeLogs.filter((l) => l.topics[0] === createdTopic).length;
    expect(created).to.equal(book.length);
    // At most one pull per token per createOrders call (one call per run of one trader's orders in a loader
    // transaction), and fewer pulls than orders.
    let calls = 0;
    for (let k = 0; k < book.length; k++) if (k % ORDERS_PER_TX === 0 || book[k].trader !== book[k - 1].trader) calls++;
    const pulls = placeLogs.filter((l) => l.topics[0] === depositedTopic).length;
    expect(pulls).to.be.at.most(2 * calls);
    expect(pulls).to.be.lessThan(book.length);
    ledger.place(book, nextModel);
    const placed = await readState(market);
    expect(ledger.diffHoldings(placed)).to.deep.equal([]);
    const escrowed = (side: Side): bigint =>
      book
        .filter((o) => o.cancelled !== true && o.side === side)
        .reduce((sum, o) => sum + (nextModel.outcomes.get(o.id)?.escrow ?? 0n), 0n);
    expect(placed.balances.get(holding(0, tradingAddress))).to.equal(accountsTotal(placed, 0) + escrowed(Side.Sell));
    expect(placed.balances.get(holding(1, tradingAddress))).to.equal(accountsTotal(placed, 1) + escrowed(Side.Buy));

    // Settle it with GRID paused half way: the GRID deliveries of the second half fail and are credited instead.
    await notBefore(await trading.epochEnd(next));
    const call = (name: "matchOrders" | "executeTrades", n: bigint) =>
      name === "matchOrders"
        ? trading.interface.encodeFunctionData("matchOrders", [next, n])
        : trading.interface.encodeFunctionData("executeTrades", [next, n]);
    await sendRaw(keepers[0], tradingAddress, call("matchOrders", 65_535n));
    await sendRaw(keepers[0], tradingAddress, call("executeTrades", 100n));
    await gridToken.connect(admin).pause();
    const pausedLogs = await sendRaw(keepers[1], tradingAddress, call("executeTrades", 100n));
    await gridToken.connect(admin).unpause();
    ledger.settle(book, nextModel);

    // Expected GRID credits of the paused batch: what buyers among orders 101–200 bought.
    const gridCredits = new Map<string, bigint>();
    for (const o of book.slice(100)) {
      const out = nextModel.outcomes.get(o.id);
      if (o.cancelled === true || out === undefined || o.side !== Side.Buy || out.filled === 0n) continue;
      const owner = traderAddresses[o.trader];
      gridCredits.set(owner, (gridCredits.get(owner) ?? 0n) + out.filled);
    }
    const credited = clearingEvents(market, pausedLogs).credited.filter((e) => e.token === market.tokenAddresses[0]);
    const creditedSum = new Map<string, bigint>();
    for (const e of credited) creditedSum.set(e.account, (creditedSum.get(e.account) ?? 0n) + e.amount);
    expect(creditedSum).to.deep.equal(gridCredits);
    expect([...gridCredits.values()].reduce((a, b) => a + b, 0n)).to.be.greaterThan(0n);
    // The ledger delivered that GRID to the wallets: it is in the accounts instead.
    for (const [owner, amount] of gridCredits) {
      ledger.balances.set(holding(0, owner), (ledger.balances.get(holding(0, owner)) ?? 0n) - amount);
      ledger.balances.set(holding(0, tradingAddress), (ledger.balances.get(holding(0, tradingAddress)) ?? 0n) + amount);
      ledger.credits.set(holding(0, owner), (ledger.credits.get(holding(0, owner)) ?? 0n) + amount);
    }

    const settledState = await readState(market, { epochs: [next], ids: book.map((o) => o.id) });
    expect(settledState.results[0].status).to.equal(EpochStatus.Settled);
    expect(settledState.orders.map((o) => o.filled)).to.deep.equal(book.map((o) => nextModel.fills.get(o.id)));
    expect(
      settledState.orders.every(
        (o, k) => o.status === BigInt(book[k].cancelled === true ? OrderStatus.Cancelled : OrderStatus.Settled),
      ),
    ).to.equal(true);
    // Trading holds exactly its accounts: no escrow is left once the epoch is settled.
    expect(ledger.diffHoldings(settledState)).to.deep.equal([]);
    expect(settledState.balances.get(holding(0, tradingAddress))).to.equal(accountsTotal(settledState, 0));
    expect(settledState.balances.get(holding(1, tradingAddress))).to.equal(accountsTotal(settledState, 1));
    expect(settledState.credits.get(holding(1, market.feeRecipientAddress))).to.equal(
      model.feeCredit + nextModel.feeCredit,
    );

    // Withdrawing every account empties Trading completely.
    for (const [i, owner] of traderAddresses.entries()) {
      for (const token of [0, 1] as const) {
        const amount = settledState.credits.get(holding(token, owner)) ?? 0n;
        if (amount === 0n) continue;
        await expect(loader.withdraw(i, market.tokenAddresses[token]))
          .to.emit(trading, "Withdrawn")
          .withArgs(ethers.getAddress(owner), ethers.getAddress(market.tokenAddresses[token]), amount);
      }
    }
    const fees = model.feeCredit + nextModel.feeCredit;
    await expect(trading.connect(feeRecipient).withdraw(market.tokenAddresses[1], fees)).to.changeTokenBalances(
      market.paymentToken,
      [feeRecipient, trading],
      [fees, -fees],
    );
    const empty = await readState(market);
    expect(empty.balances.get(holding(0, tradingAddress))).to.equal(0n);
    expect(empty.balances.get(holding(1, tradingAddress))).to.equal(0n);
    expect([...empty.credits.values()].every((c) => c === 0n)).to.equal(true);
  });
});
