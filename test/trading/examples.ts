// Example books of the clearing suites (test/trading/clearing*.test.ts) as data, with one runner: each book is
// placed in a fresh epoch, which is then matched and settled in one call each and checked exactly against the
// hand-computed outcome (prices are payment-token base units per kWh, amounts watt-hours).
import { wh } from "../helpers/constants";
import { Suspended, loadTrading, type Ctx } from "./fixture";
import {
  BOOK_A,
  BOOK_A_FILLS,
  book,
  expectBalancesEqualAccounts,
  expectClearing,
  expectFeeCredit,
  fills,
  place,
} from "./helpers";

/** One example book and its clearing. */
export interface Example {
  /** The orders, in the notation of {@link book}. */
  book: string;
  /** Runs before the orders are placed (market parameters). */
  before?: (ctx: Ctx) => Promise<unknown>;
  /** Runs once they are placed, before the epoch ends. */
  after?: (ctx: Ctx) => Promise<unknown>;
  /** The orders (by placement index) that their owners cancel once all are placed. */
  cancelled?: number[];
  price: bigint;
  /** The match call emits `MatchProgressed(epoch, steps, volume, true)`: `[steps, volume]`. */
  progressed?: [bigint, bigint];
  /** The match call emits `EpochMatched(epoch, price, volume, bid, ask)`: `[volume, bid, ask]`. */
  matched?: [bigint, bigint, bigint];
  /** Steps allowed to the match call and orders to the settlement call (default 100). */
  batch?: number;
  /** Every order's settlement but the cancelled ones', in placement order, in the notation of {@link fills}. */
  fills: string;
  /** The epoch closes with `volume`, crediting `credit` to the fee recipient (the admin unless `feeSink`). */
  settled?: { volume: bigint; credit: bigint; recipient?: "admin" | "feeSink" };
}

/** Places `example.book` in a fresh epoch, clears it and checks the outcome and that accounts balance. */
export async function expectExample(example: Example): Promise<void> {
  const { ctx, epoch } = await loadTrading();
  await example.before?.(ctx);
  const orders = book(ctx, example.book);
  const ids = await place(ctx.trading, orders);
  const cancelled = new Set(example.cancelled);
  for (const i of cancelled) await ctx.trading.connect(orders[i].signer).cancelOrder(ids[i]);
  await example.after?.(ctx);
  const active = (_: unknown, i: number) => !cancelled.has(i);
  const [progressed, matched] = [example.progressed, example.matched];
  const tx = await expectClearing(ctx, epoch, {
    price: example.price,
    progressed: progressed && { steps: progressed[0], volume: progressed[1] },
    matched: matched && { volume: matched[0], bid: matched[1], ask: matched[2] },
    batch: example.batch,
    fills: fills(orders.filter(active), ids.filter(active), example.fills),
  });
  if (example.settled === undefined) return expectBalancesEqualAccounts(ctx);
  const { volume, credit, recipient = "admin" } = example.settled;
  await expectFeeCredit(ctx, epoch, tx, ctx[recipient], { volume, price: example.price, credit });
}

/** Example books by `describe` title (`""`: none), then by test title. */
export type Examples = Record<string, Record<string, Example>>;

/** Runs every example of `examples` as a test, grouped as the table groups them. */
export function itClearsExamples(examples: Examples): void {
  for (const [when, tests] of Object.entries(examples)) {
    const run = () => {
      for (const [title, example] of Object.entries(tests)) it(title, () => expectExample(example));
    };
    if (when === "") run();
    else describe(when, run);
  }
}

/** The clearing rule on small books (test/trading/clearing.test.ts). */
export const CLEARING_EXAMPLES: Examples = {
  "when nothing crosses": {
    "refunds every order in full at price 0": {
      book: "p1 sell 40@400_000, c1 buy 13@123_400",
      price: 0n,
      progressed: [0n, 0n],
      matched: [0n, 0n, 0n],
      batch: 10,
      fills: "0:0:40 0:0:1_605",
      settled: { volume: 0n, credit: 0n },
    },
  },
  "when only one side has orders": {
    "refunds the sellers": {
      book: "p1 sell 40@400_000, p2 sell 15@100_000",
      price: 0n,
      matched: [0n, 0n, 0n],
      batch: 10,
      fills: "0:0:40 0:0:15",
    },
    "refunds the buyers": {
      book: "c1 buy 40@400_000",
      price: 0n,
      progressed: [0n, 0n],
      batch: 10,
      fills: "0:0:16_000",
    },
  },
  "when every order has the same price": {
    "fills the short side fully and the long side by time priority": {
      book: "p1 sell 30@500_000, c1 buy 25@500_000, p2 sell 20@500_000, c2 buy 35@500_000",
      price: 500_000n,
      matched: [wh(50), 500_000n, 500_000n],
      batch: 10,
      fills: "30:15_000 25:12_500 20:10_000 25:12_500:5_000",
      settled: { volume: wh(50), credit: 0n },
    },
  },
  "when several orders tie at the ask margin": {
    "fills better prices fully and the margin by time priority, one order partially": {
      book: BOOK_A,
      price: 500_000n,
      fills: BOOK_A_FILLS,
      settled: { volume: wh(100), credit: 0n },
    },
  },
  // Asks: 3000 → 70 Wh, 4500 → 10 Wh. Bids: 5000 → 10 Wh, 4000 → 100 Wh (c1 50, c2 30, c3 20).
  // Walk: 10 at (5000, 3000), then 60 at (4000, 3000); asks move to 4500 > 4000: b* 4000, a* 3000.
  // p = (400,000 + 300,000) / 2 = 350,000; 60 Wh of the 100 at b* fill: c1 50, c2 10, c3 0.
  "when several orders tie at the bid margin": {
    "fills better prices fully and the margin by time priority, one order partially": {
      book: "p1 sell 70@300_000, c1 buy 50@400_000, c2 buy 30@400_000, c3 buy 20@400_000, c1 buy 10@500_000, p2 sell 10@450_000",
      price: 350_000n,
      progressed: [2n, wh(70)],
      matched: [wh(70), 400_000n, 300_000n],
      fills: "70:24_500 50:17_500:2_500 10:3_500:8_500 0:0:8_000 10:3_500:1_500 0:0:10",
      settled: { volume: wh(70), credit: 0n },
    },
  },
  // Bids at 123,500, asks at 123,400: p = (1235 + 1234) * 100 / 2 = 123,450.
  // Sellers: 13 * 123.45 = 1,604.85 → 1,604; 17 * 123.45 = 2,098.65 → 2,098.
  // Buyers: 11 * 123.45 = 1,357.95 → 1,358 of an escrow of ceil(1,358.5) = 1,359;
  //         19 * 123.45 = 2,345.55 → 2,346 of an escrow of ceil(2,346.5) = 2,347.
  "when the amounts do not divide evenly": {
    "rounds buyers up and sellers down and credits the remainder to the fee recipient": {
      book: "p1 sell 13@123_400, p2 sell 17@123_400, c1 buy 11@123_500, c2 buy 19@123_500",
      price: 123_450n,
      matched: [wh(30), 123_500n, 123_400n],
      fills: "13:1_604 17:2_098 11:1_358:1 19:2_346:1",
      settled: { volume: wh(30), credit: 2n },
    },
  },
  // p = (3001 + 2000) * 100 / 2 = 250,050; 37 Wh are worth 9,251.85.
  // Seller: floor 9,251, fee floor(9,251 * 2.5%) = 231, net 9,020. Buyer: ceil 9,252 of ceil(11,103.7) = 11,104.
  "when a fee is set": {
    "takes feeBps of the seller's proceeds and credits fee plus rounding to the recipient": {
      before: ({ trading, feeSink }) => trading.setFee(250n, feeSink.address),
      book: "p1 sell 37@200_000, c1 buy 37@300_100",
      price: 250_050n,
      matched: [wh(37), 300_100n, 200_000n],
      fills: "37:9_020:0:231 37:9_252:1_852",
      settled: { volume: wh(37), credit: 232n, recipient: "feeSink" },
    },
  },
};

/** Edge cases of the clearing walk and of settlement (test/trading/clearingEdgeCases.test.ts). */
export const EDGE_EXAMPLES: Examples = {
  "at the extreme price levels": {
    "matches at the top level, 65,535": {
      before: ({ trading }) => trading.setPriceRules(10n, 655_350n),
      book: "p1 sell 10@653_000, p2 sell 10@655_350, c1 buy 20@655_350",
      price: 655_350n,
      matched: [wh(20), 655_350n, 655_350n],
      fills: "10:6_553 10:6_553 20:13_107",
      settled: { volume: wh(20), credit: 1n },
    },
    "clears an epoch whose whole volume is one watt-hour at the midpoint price": {
      before: ({ trading }) => trading.setMinOrderAmount(wh(1)),
      book: "p1 sell 1@200_000, c1 buy 1@300_000",
      price: 250_000n,
      matched: [wh(1), 300_000n, 200_000n],
      fills: "1:250 1:250:50",
    },
    "ends the walk when the asks run out in the last bitmap word": {
      before: ({ trading }) => trading.setPriceRules(10n, 655_350n),
      book: "p1 sell 10@654_000, c1 buy 20@655_350, c2 buy 10@10",
      price: 654_675n,
      matched: [wh(10), 655_350n, 654_000n],
      fills: "10:6_546 10:6_547:6_560 0:0:1",
    },
  },
  // Bids: 5000 → 100 Wh (c1 30, c2 50, c3 20). Asks: 3000 → 20, 4000 → 30, 4500 → 25, 6000 → 10.
  // Walk: 20, 30 and 25 at b* = 5000; asks move to 6000 > 5000: a* = 4500, p = 475,000, volume 75.
  "when one bid level meets several ask levels": {
    "allocates at b* everything matched there across the walk": {
      book: "c1 buy 30@500_000, p1 sell 20@300_000, c2 buy 50@500_000, p2 sell 30@400_000, c3 buy 20@500_000, p3 sell 25@450_000, p1 sell 10@600_000",
      price: 475_000n,
      progressed: [3n, wh(75)],
      matched: [wh(75), 500_000n, 450_000n],
      fills: "30:14_250:750 20:9_500 45:21_375:3_625 30:14_250 0:0:10_000 25:11_875 0:0:10",
      settled: { volume: wh(75), credit: 0n },
    },
  },
  // The cancelled 600,000 bid would set b*; without it b* = 500,000 and p = (5000 + 4000) * 100 / 2.
  "when orders were cancelled": {
    "clears over the active orders only, stepping over emptied levels": {
      book: "c1 buy 40@600_000, c2 buy 20@500_000, p1 sell 20@400_000",
      cancelled: [0],
      price: 450_000n,
      progressed: [3n, wh(20)],
      matched: [wh(20), 500_000n, 400_000n],
      fills: "20:9_000:1_000 20:9_000",
    },
  },
  "when an owner is suspended after placing orders": {
    "still settles them by the clearing rule": {
      book: "p1 sell 20@400_000, c1 buy 20@400_000",
      after: async ({ registry, p1, c1 }) => {
        await registry.updateUserStatus(p1.address, Suspended);
        await registry.updateUserStatus(c1.address, Suspended);
      },
      price: 400_000n,
      fills: "20:8_000 20:8_000",
    },
  },
  "": {
    "settles a removed market maker's open orders": {
      book: "mm sell 50@80_000, c1 buy 50@120_000",
      after: ({ trading, mm }) => trading.removeMarketMaker(mm.address),
      price: 100_000n,
      batch: 10,
      fills: "50:5_000 50:5_000:1_000",
    },
  },
};
