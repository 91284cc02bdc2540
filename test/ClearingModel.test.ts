import { expect } from "chai";
import assert from "node:assert/strict";
import fc from "fast-check";

import { Rng } from "../lib/random";
import { randomBook } from "./helpers/books";
import { buyEscrow, clear, type ClearingResult, type ModelOrder } from "./helpers/clearingModel";
import { KWH, WH, kwh, orderId, wh } from "./helpers/constants";
import { Side } from "./helpers/enums";

// The reference model is what the differential tests trust, so every number below is worked out by hand in
// the comments (prices are payment-token base units per kWh, amounts GRID base units).

const buy = (id: number, amount: bigint, price: bigint, cancelled = false): ModelOrder => ({
  id: BigInt(id),
  side: Side.Buy,
  amount,
  price,
  cancelled,
});
const sell = (id: number, amount: bigint, price: bigint, cancelled = false): ModelOrder => ({
  id: BigInt(id),
  side: Side.Sell,
  amount,
  price,
  cancelled,
});

interface Expected {
  filled: bigint;
  payment: bigint;
  fee?: bigint;
  refund: bigint;
}

function expectOutcome(result: ClearingResult, id: number, expected: Expected): void {
  const outcome = result.outcomes.get(BigInt(id));
  expect(outcome, `order ${id}`).to.not.equal(undefined);
  expect(outcome?.filled, `order ${id} filled`).to.equal(expected.filled);
  expect(result.fills.get(BigInt(id)), `order ${id} fills map`).to.equal(expected.filled);
  expect(outcome?.payment, `order ${id} payment`).to.equal(expected.payment);
  expect(outcome?.fee, `order ${id} fee`).to.equal(expected.fee ?? 0n);
  expect(outcome?.refund, `order ${id} refund`).to.equal(expected.refund);
}

function expectPrices(result: ClearingResult, volume: bigint, bid: bigint, ask: bigint, price: bigint): void {
  expect(result.volume, "volume").to.equal(volume);
  expect(result.bidPrice, "b*").to.equal(bid);
  expect(result.askPrice, "a*").to.equal(ask);
  expect(result.clearingPrice, "clearing price").to.equal(price);
}

// Bids 600k: #1 3 kWh; 500k: #3 1 kWh, #5 3 kWh, #7 2 kWh; 300k: #9 4 kWh.
// Asks 300k: #2 2 kWh; 400k: #4 2 kWh, #6 2 kWh; 700k: #8 5 kWh.
const TIED_BOOK: ModelOrder[] = [
  buy(1, kwh(3), 600_000n),
  sell(2, kwh(2), 300_000n),
  buy(3, kwh(1), 500_000n),
  sell(4, kwh(2), 400_000n),
  buy(5, kwh(3), 500_000n),
  sell(6, kwh(2), 400_000n),
  buy(7, kwh(2), 500_000n),
  sell(8, kwh(5), 700_000n),
  buy(9, kwh(4), 300_000n),
];

// Bid 333,333: #1 1001 Wh. Asks 100,000: #2 333 Wh; 250,001: #3 777 Wh. Prices off the 100 tick on purpose.
const ROUNDING_BOOK: ModelOrder[] = [
  buy(1, wh(1001), 333_333n),
  sell(2, wh(333), 100_000n),
  sell(3, wh(777), 250_001n),
];

describe("ClearingModel", function () {
  describe("#buyEscrow", function () {
    it("rounds the escrow of a buy order up", function () {
      expect(buyEscrow(kwh(2), 500_000n)).to.equal(1_000_000n);
      // 1001 Wh × 333,333 / 1000 = 333,666.333 → 333,667
      expect(buyEscrow(wh(1001), 333_333n)).to.equal(333_667n);
      // 1 Wh × 1 / 1000 = 0.001 → 1
      expect(buyEscrow(WH, 1n)).to.equal(1n);
    });
  });

  describe("#clear", function () {
    describe("when the book is empty", function () {
      it("trades nothing at price 0", function () {
        const result = clear([]);
        expectPrices(result, 0n, 0n, 0n, 0n);
        expect(result.fills.size).to.equal(0);
        expect(result.feeCredit).to.equal(0n);
      });
    });

    describe("when the best bid is below the best ask", function () {
      it("trades nothing and refunds everyone in full", function () {
        const result = clear([
          buy(1, kwh(1), 200_000n),
          sell(2, kwh(1), 300_000n),
          buy(3, wh(500), 299_900n),
          sell(4, wh(1500), 300_000n),
        ]);
        expectPrices(result, 0n, 0n, 0n, 0n);
        expectOutcome(result, 1, { filled: 0n, payment: 0n, refund: 200_000n });
        expectOutcome(result, 2, { filled: 0n, payment: 0n, refund: kwh(1) });
        // 0.5 kWh × 299,900 = 149,950
        expectOutcome(result, 3, { filled: 0n, payment: 0n, refund: 149_950n });
        expectOutcome(result, 4, { filled: 0n, payment: 0n, refund: wh(1500) });
        expect(result.buyerPayments).to.equal(0n);
        expect(result.sellerReceipts).to.equal(0n);
        expect(result.feeCredit).to.equal(0n);
      });
    });

    describe("when only one side has orders", function () {
      it("trades nothing with bids only", function () {
        const result = clear([buy(1, kwh(1), 900_000n), buy(2, kwh(2), 100n)]);
        expectPrices(result, 0n, 0n, 0n, 0n);
        expectOutcome(result, 1, { filled: 0n, payment: 0n, refund: 900_000n });
        expectOutcome(result, 2, { filled: 0n, payment: 0n, refund: 200n });
      });

      it("trades nothing with asks only", function () {
        const result = clear([sell(1, kwh(1), 100n), sell(2, wh(10), 1_000_000n)], 100n);
        expectPrices(result, 0n, 0n, 0n, 0n);
        expectOutcome(result, 1, { filled: 0n, payment: 0n, refund: kwh(1) });
        expectOutcome(result, 2, { filled: 0n, payment: 0n, refund: wh(10) });
        expect(result.fees).to.equal(0n);
      });
    });

    describe("when every order has the same price", function () {
      // One level each side at 500,000: bids 5 kWh, asks 4 kWh → one step, q = 4 kWh.
      const result = clear([buy(1, kwh(2), 500_000n), sell(2, kwh(4), 500_000n), buy(3, kwh(3), 500_000n)]);

      it("clears at that price with the volume of the short side", function () {
        expectPrices(result, kwh(4), 500_000n, 500_000n, 500_000n);
      });

      it("fills the earlier bid first and the later one partially", function () {
        expectOutcome(result, 1, { filled: kwh(2), payment: 1_000_000n, refund: 0n });
        // escrow 1,500,000, pays 2 kWh × 500,000
        expectOutcome(result, 3, { filled: kwh(2), payment: 1_000_000n, refund: 500_000n });
        expectOutcome(result, 2, { filled: kwh(4), payment: 2_000_000n, refund: 0n });
        expect(result.feeCredit).to.equal(0n);
      });
    });

    describe("when several orders tie at both marginal levels", function () {
      // Walk: b600(3)×a300(2) q=2 | b600(1)×a400(4) q=1 | b500(6)×a400(3) q=3 | b500 < a700 stop.
      // Volume 6 kWh, b* = 500,000, a* = 400,000, p = 450,000.
      const result = clear([...TIED_BOOK].reverse());

      it("remembers the last crossing levels and takes their midpoint", function () {
        expectPrices(result, kwh(6), 500_000n, 400_000n, 450_000n);
      });

      it("fills bids above b* completely and the margin by time priority with one partial fill", function () {
        expectOutcome(result, 1, { filled: kwh(3), payment: 1_350_000n, refund: 450_000n });
        // 3 kWh matched at 500,000: #3 takes 1, #5 takes 2 of 3, #7 nothing.
        expectOutcome(result, 3, { filled: kwh(1), payment: 450_000n, refund: 50_000n });
        expectOutcome(result, 5, { filled: kwh(2), payment: 900_000n, refund: 600_000n });
        expectOutcome(result, 7, { filled: 0n, payment: 0n, refund: 1_000_000n });
        expectOutcome(result, 9, { filled: 0n, payment: 0n, refund: 1_200_000n });
      });

      it("fills asks below a* completely, the exhausted margin completely and nothing beyond", function () {
        expectOutcome(result, 2, { filled: kwh(2), payment: 900_000n, refund: 0n });
        expectOutcome(result, 4, { filled: kwh(2), payment: 900_000n, refund: 0n });
        expectOutcome(result, 6, { filled: kwh(2), payment: 900_000n, refund: 0n });
        expectOutcome(result, 8, { filled: 0n, payment: 0n, refund: kwh(5) });
      });

      it("balances payments exactly", function () {
        expect(result.buyerPayments).to.equal(2_700_000n);
        expect(result.sellerReceipts).to.equal(2_700_000n);
        expect(result.feeCredit).to.equal(0n);
      });
    });

    describe("when the ask margin is the partially filled side", function () {
      // Bids 400k: #3 2 kWh; 300k: #5 1 kWh; 100k: #6 1 kWh. Asks 200k: #1 2, #2 2, #4 1 kWh.
      // Walk: b400(2)×a200(5) q=2 | b300(1)×a200(3) q=1 | b100 < a200 stop → V 3 kWh, b* 300k, a* 200k, p 250k.
      const result = clear([
        sell(4, kwh(1), 200_000n),
        buy(6, kwh(1), 100_000n),
        sell(1, kwh(2), 200_000n),
        buy(5, kwh(1), 300_000n),
        buy(3, kwh(2), 400_000n),
        sell(2, kwh(2), 200_000n),
      ]);

      it("clears at the midpoint of the last crossing levels", function () {
        expectPrices(result, kwh(3), 300_000n, 200_000n, 250_000n);
      });

      it("allocates the 3 kWh matched at a* by time priority", function () {
        expectOutcome(result, 1, { filled: kwh(2), payment: 500_000n, refund: 0n });
        expectOutcome(result, 2, { filled: kwh(1), payment: 250_000n, refund: kwh(1) });
        expectOutcome(result, 4, { filled: 0n, payment: 0n, refund: kwh(1) });
      });

      it("fills the bids down to the exhausted margin and none below", function () {
        expectOutcome(result, 3, { filled: kwh(2), payment: 500_000n, refund: 300_000n });
        expectOutcome(result, 5, { filled: kwh(1), payment: 250_000n, refund: 50_000n });
        expectOutcome(result, 6, { filled: 0n, payment: 0n, refund: 100_000n });
      });
    });

    describe("when both levels run out at the same step", function () {
      // b500(1)×a100(1) q=1, both exhausted | b400(1)×a300(1) q=1, both exhausted | nothing left.
      const book = [
        buy(1, kwh(1), 500_000n),
        buy(2, kwh(1), 400_000n),
        sell(3, kwh(1), 100_000n),
        sell(4, kwh(1), 300_000n),
      ];

      it("steps past both and keeps walking", function () {
        const result = clear(book);
        expectPrices(result, kwh(2), 400_000n, 300_000n, 350_000n);
        expectOutcome(result, 1, { filled: kwh(1), payment: 350_000n, refund: 150_000n });
        expectOutcome(result, 2, { filled: kwh(1), payment: 350_000n, refund: 50_000n });
        expectOutcome(result, 3, { filled: kwh(1), payment: 350_000n, refund: 0n });
        expectOutcome(result, 4, { filled: kwh(1), payment: 350_000n, refund: 0n });
      });

      it("ignores cancelled orders however good their price", function () {
        const result = clear([...book, buy(5, kwh(10), 900_000n, true), sell(6, kwh(10), 100n, true)]);
        expectPrices(result, kwh(2), 400_000n, 300_000n, 350_000n);
        expectOutcome(result, 1, { filled: kwh(1), payment: 350_000n, refund: 150_000n });
        // A cancelled order's refund is its whole escrow, returned at cancellation.
        expectOutcome(result, 5, { filled: 0n, payment: 0n, refund: 9_000_000n });
        expectOutcome(result, 6, { filled: 0n, payment: 0n, refund: kwh(10) });
        expect(result.outcomes.get(5n)?.cancelled).to.equal(true);
        expect(result.outcomes.get(1n)?.cancelled).to.equal(false);
      });
    });

    describe("when amounts and prices do not divide evenly", function () {
      // Walk: b333,333(1001)×a100,000(333) q=333 | b333,333(668)×a250,001(777) q=668 → V 1001 Wh.
      // p = floor((333,333 + 250,001) / 2) = floor(291,667) = 291,667.
      const result = clear(ROUNDING_BOOK);

      it("floors the midpoint", function () {
        expectPrices(result, wh(1001), 333_333n, 250_001n, 291_667n);
      });

      it("rounds the buyer's payment up and the sellers' proceeds down", function () {
        // escrow ceil(1001 × 333,333 / 1000) = ceil(333,666.333) = 333,667
        // pays   ceil(1001 × 291,667 / 1000) = ceil(291,958.667) = 291,959
        expectOutcome(result, 1, { filled: wh(1001), payment: 291_959n, refund: 41_708n });
        // floor(333 × 291,667 / 1000) = floor(97,125.111) = 97,125
        expectOutcome(result, 2, { filled: wh(333), payment: 97_125n, refund: 0n });
        // 668 Wh matched at a*: floor(668 × 291,667 / 1000) = floor(194,833.556) = 194,833; 109 Wh back
        expectOutcome(result, 3, { filled: wh(668), payment: 194_833n, refund: wh(109) });
      });

      it("credits the rounding remainder to the fee recipient", function () {
        expect(result.buyerPayments).to.equal(291_959n);
        expect(result.sellerReceipts).to.equal(291_958n);
        expect(result.feeCredit).to.equal(1n);
      });

      it("rounds each small buyer up separately", function () {
        // p = floor((1,001 + 998) / 2) = 999; each 1 Wh buyer pays ceil(0.999) = 1 of its escrow ceil(1.001) = 2;
        // the seller gets floor(3 × 999 / 1000) = floor(2.997) = 2.
        const small = clear([buy(1, WH, 1_001n), buy(2, WH, 1_001n), buy(3, WH, 1_001n), sell(4, wh(3), 998n)]);
        expectPrices(small, wh(3), 1_001n, 998n, 999n);
        for (const id of [1, 2, 3]) expectOutcome(small, id, { filled: WH, payment: 1n, refund: 1n });
        expectOutcome(small, 4, { filled: wh(3), payment: 2n, refund: 0n });
        expect(small.feeCredit).to.equal(1n);
      });
    });

    describe("when a trading fee is set", function () {
      it("takes the fee from each seller's proceeds", function () {
        // 25 bps of 900,000 = 2,250 per seller; buyers pay as without a fee.
        const result = clear(TIED_BOOK, 25n);
        expectPrices(result, kwh(6), 500_000n, 400_000n, 450_000n);
        for (const id of [2, 4, 6]) {
          expectOutcome(result, id, { filled: kwh(2), payment: 897_750n, fee: 2_250n, refund: 0n });
        }
        expectOutcome(result, 8, { filled: 0n, payment: 0n, fee: 0n, refund: kwh(5) });
        expectOutcome(result, 1, { filled: kwh(3), payment: 1_350_000n, fee: 0n, refund: 450_000n });
        expect(result.fees).to.equal(6_750n);
        expect(result.feeCredit).to.equal(6_750n);
      });

      it("floors the fee and credits fee and rounding together", function () {
        // 30 bps: floor(97,125 × 0.003) = floor(291.375) = 291; floor(194,833 × 0.003) = floor(584.499) = 584.
        const result = clear(ROUNDING_BOOK, 30n);
        expectOutcome(result, 2, { filled: wh(333), payment: 96_834n, fee: 291n, refund: 0n });
        expectOutcome(result, 3, { filled: wh(668), payment: 194_249n, fee: 584n, refund: wh(109) });
        expect(result.fees).to.equal(875n);
        // 291,959 − (96,834 + 194,249) = 876 = 875 fees + 1 rounding
        expect(result.feeCredit).to.equal(876n);
      });
    });

    describe("when the input is invalid", function () {
      it("rejects duplicate ids", function () {
        expect(() => clear([buy(1, kwh(1), 100n), sell(1, kwh(1), 100n)])).to.throw(RangeError, "duplicate order id 1");
      });

      it("rejects zero amounts and prices", function () {
        expect(() => clear([buy(1, 0n, 100n)])).to.throw(RangeError, "order 1: amount 0 is not positive");
        expect(() => clear([sell(2, kwh(1), 0n)])).to.throw(RangeError, "order 2: price 0 is not positive");
      });

      it("rejects a fee above 100%", function () {
        expect(() => clear([], 10_001n)).to.throw(RangeError, "feeBps 10001 out of range");
      });
    });
  });

  describe("properties", function () {
    // Independent characterisations of the outcome, checked on generated books.
    const orderArb = fc.record({
      buy: fc.boolean(),
      whs: fc.integer({ min: 1, max: 5_000 }),
      level: fc.integer({ min: 1, max: 12 }),
      cancelled: fc.boolean(),
    });
    const bookArb = fc
      .array(orderArb, { maxLength: 40 })
      .map((rows) =>
        rows.map((r, i) =>
          (r.buy ? buy : sell)(i + 1, wh(r.whs), BigInt(r.level) * 7_777n, r.cancelled && i % 3 === 0),
        ),
      );
    const feeArb = fc.integer({ min: 0, max: 1_000 }).map(BigInt);
    const params = { seed: 0x5eed, numRuns: 400 };

    // node:assert rather than chai inside the checker: it runs hundreds of thousands of comparisons.
    function checkInvariants(orders: ModelOrder[], feeBps: bigint): void {
      const result = clear(orders, feeBps);
      const active = orders.filter((o) => o.cancelled !== true);
      const bids = active.filter((o) => o.side === Side.Buy);
      const asks = active.filter((o) => o.side === Side.Sell);

      // Volume is the largest quantity any single price could trade: max_x min(demand ≥ x, supply ≤ x).
      const prices = [...new Set(active.map((o) => o.price))].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const supplyAt = new Map<bigint, bigint>();
      let supply = 0n;
      for (const x of prices) {
        supply += asks.filter((o) => o.price === x).reduce((s, o) => s + o.amount, 0n);
        supplyAt.set(x, supply);
      }
      let demand = 0n;
      let best = 0n;
      for (const x of [...prices].reverse()) {
        demand += bids.filter((o) => o.price === x).reduce((s, o) => s + o.amount, 0n);
        const q = demand < (supplyAt.get(x) ?? 0n) ? demand : (supplyAt.get(x) ?? 0n);
        if (q > best) best = q;
      }
      assert.equal(result.volume, best, "volume is the largest tradable quantity");

      let bidFilled = 0n;
      let askFilled = 0n;
      let partialBids = 0;
      let partialAsks = 0;
      const crossed = result.volume > 0n;
      for (const o of orders) {
        const out = result.outcomes.get(o.id);
        assert.ok(out !== undefined, `outcome of ${o.id}`);
        assert.ok(out.filled >= 0n && out.filled <= o.amount, `order ${o.id} fills within its amount`);
        if (o.cancelled === true) assert.equal(out.filled, 0n, `cancelled order ${o.id} fills nothing`);
        const partial = out.filled > 0n && out.filled < o.amount;
        if (o.side === Side.Buy) {
          bidFilled += out.filled;
          if (partial) partialBids++;
          if (out.filled > 0n) assert.ok(o.price >= result.bidPrice, `bid ${o.id} fills at or above b*`);
          if (crossed && o.cancelled !== true && o.price > result.bidPrice) assert.equal(out.filled, o.amount);
          assert.equal(out.payment + out.refund, buyEscrow(o.amount, o.price), `bid ${o.id} escrow split`);
          assert.equal(out.fee, 0n);
        } else {
          askFilled += out.filled;
          if (partial) partialAsks++;
          if (out.filled > 0n) assert.ok(o.price <= result.askPrice, `ask ${o.id} fills at or below a*`);
          if (crossed && o.cancelled !== true && o.price < result.askPrice) assert.equal(out.filled, o.amount);
          assert.equal(out.filled + out.refund, o.amount, `ask ${o.id} GRID split`);
          assert.equal(out.fee, ((out.payment + out.fee) * feeBps) / 10_000n, `ask ${o.id} fee`);
        }
      }
      assert.equal(bidFilled, result.volume, "bids fill the volume");
      assert.equal(askFilled, result.volume, "asks fill the volume");
      assert.ok(partialBids <= 1 && partialAsks <= 1, "at most one partial fill per side");
      assert.equal(result.buyerPayments - result.sellerReceipts, result.feeCredit, "payment ledger balances");
      assert.ok(result.feeCredit >= result.fees, "rounding never favours traders");

      // b* and a* are the levels where the cumulative quantity, best price first, first reaches the volume.
      if (crossed) {
        const reach = (side: ModelOrder[], desc: boolean): bigint => {
          const sorted = [...side].sort((x, y) => (x.price === y.price ? 0 : x.price > y.price === desc ? -1 : 1));
          let cumulative = 0n;
          for (const o of sorted) {
            cumulative += o.amount;
            if (cumulative >= result.volume) return o.price;
          }
          throw new Error("volume above depth");
        };
        assert.equal(result.bidPrice, reach(bids, true), "b*");
        assert.equal(result.askPrice, reach(asks, false), "a*");
        assert.ok(result.askPrice <= result.clearingPrice && result.clearingPrice <= result.bidPrice, "a* ≤ p ≤ b*");
        assert.equal(result.clearingPrice, (result.bidPrice + result.askPrice) / 2n, "midpoint");
      } else {
        assert.deepEqual(
          [result.clearingPrice, result.bidPrice, result.askPrice, result.feeCredit],
          [0n, 0n, 0n, 0n],
          "no trade, no price",
        );
      }
    }

    it("matches the largest tradable volume, fills within limits and balances on small books", function () {
      fc.assert(
        fc.property(bookArb, feeArb, (orders, feeBps) => checkInvariants(orders, feeBps)),
        params,
      );
    });

    it("does not depend on the order the input lists the orders in", function () {
      fc.assert(
        fc.property(bookArb, fc.integer(), (orders, shuffleSeed) => {
          const rng = new Rng(shuffleSeed);
          const shuffled = [...orders];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const k = rng.int(0, i);
            [shuffled[i], shuffled[k]] = [shuffled[k], shuffled[i]];
          }
          const a = clear(orders, 10n);
          const b = clear(shuffled, 10n);
          expectPrices(b, a.volume, a.bidPrice, a.askPrice, a.clearingPrice);
          expect(b.fills).to.deep.equal(a.fills);
          expect(b.feeCredit).to.equal(a.feeCredit);
        }),
        params,
      );
    });

    it("holds on generated books of both price distributions", function () {
      for (let seed = 1; seed <= 200; seed++) {
        const orders = randomBook({
          seed,
          size: 1 + (seed % 200),
          distribution: seed % 2 === 0 ? "clustered" : "spread",
          tickSize: 100n,
          maxPrice: 1_000_000n,
          minAmount: 10n * WH,
        });
        checkInvariants(orders, BigInt(seed % 50));
      }
    });
  });

  describe("randomBook", function () {
    const options = {
      seed: 42,
      size: 150,
      distribution: "clustered" as const,
      tickSize: 100n,
      maxPrice: 1_000_000n,
      minAmount: 10n * WH,
      maxAmount: 20n * KWH,
      epoch: 7n,
    };

    it("is deterministic in its seed", function () {
      expect(randomBook(options)).to.deep.equal(randomBook(options));
      expect(randomBook({ ...options, seed: 43 })).to.not.deep.equal(randomBook(options));
    });

    it("draws orders within the market rules with epoch-scoped ids", function () {
      for (const distribution of ["clustered", "spread"] as const) {
        const orders = randomBook({ ...options, distribution });
        expect(orders.length).to.equal(150);
        orders.forEach((o, i) => {
          expect(o.id).to.equal(orderId(7n, i + 1));
          expect(o.amount % WH).to.equal(0n);
          expect(o.amount >= options.minAmount && o.amount <= options.maxAmount).to.equal(true);
          expect(o.price % 100n).to.equal(0n);
          expect(o.price >= 100n && o.price <= 1_000_000n).to.equal(true);
        });
      }
    });

    it("clusters prices on a few levels or spreads them", function () {
      const levels = (distribution: "clustered" | "spread"): number =>
        new Set(randomBook({ ...options, distribution }).map((o) => o.price)).size;
      // Clustered: at most 2 × (2 × 6 + 1) levels (two sides, width ≤ 6); spread: 150 draws over 10,000 levels.
      expect(levels("clustered") <= 26).to.equal(true);
      expect(levels("spread") > 100).to.equal(true);
    });

    it("honours the side share and the cancel rate", function () {
      const sells = randomBook({ ...options, buyShare: 0, cancelRate: 0 });
      expect(sells.every((o) => o.side === Side.Sell && o.cancelled !== true)).to.equal(true);
      const cancelled = randomBook({ ...options, buyShare: 1, cancelRate: 1 });
      expect(cancelled.every((o) => o.side === Side.Buy && o.cancelled === true)).to.equal(true);
    });
  });
});
