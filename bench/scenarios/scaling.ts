// Scenario: whole epochs of 10 to 1,000 orders over 1 to 100 price levels, cleared by the keeper path, and the
// 200-order end-to-end book; before them, an unmeasured history that spreads the users' past order counts.
//   Actors: the whole prosumer and consumer population (the 1,000-order books take every user; smaller books
//   pick users with Market.pickBalanced).
import { EpochStatus, Side } from "../../lib/enums";
import type { Actor } from "../lib/actors";
import { type Bench, clearDirect } from "../lib/context";
import type { OrderSpec, UpkeepRun } from "../lib/market";
import { END_TO_END_BOOK, SCALING_BOOKS, type ScalingRow } from "../lib/types";
import { sum } from "../lib/stats";

/** Users' past order counts are spread over this many phases (see {@link history}). */
const PHASES = 4;

/**
 * History, unmeasured: every pool user trades, ending with a number of past orders ≡ its index (mod 4). The
 * scaling books then see users who traded before, whose per-user storage (e.g. order-id lists packed several ids
 * per word) sits at every phase in equal shares: a book opens new words at the long-run rate, not at one set by
 * the users' identical histories. The 1,000-order books take every user (all shift alike); smaller books pick
 * users with {@link Market.pickBalanced}.
 */
export async function history(b: Bench): Promise<void> {
  const specs: OrderSpec[] = [];
  for (const [pool, side, level] of [
    [b.population.prosumers, Side.Sell, 1000],
    [b.population.consumers, Side.Buy, 1100],
  ] as [readonly Actor[], Side, number][]) {
    pool.forEach((actor, k) => {
      const past = b.market.ordersPlaced(actor);
      let orders = (((k - past) % PHASES) + PHASES) % PHASES;
      if (orders === 0 && past === 0) orders = PHASES;
      for (let i = 0; i < orders; ++i) specs.push({ actor, side, wh: 100n, level });
    });
  }
  const epoch = b.market.enterNextEpoch();
  await b.market.placeMany(specs);
  await b.market.closeEpoch(epoch);
  await clearDirect(b, epoch);
  // A second epoch of one order per user (every phase shifts alike): a keeper that settles each epoch before the
  // next opens makes epochs alternate between two banks of order slots, and both now hold over 1,000 orders.
  const next = b.market.enterNextEpoch();
  const once: OrderSpec[] = [
    ...b.population.prosumers.map((actor): OrderSpec => ({ actor, side: Side.Sell, wh: 100n, level: 1000 })),
    ...b.population.consumers.map((actor): OrderSpec => ({ actor, side: Side.Buy, wh: 100n, level: 1100 })),
  ];
  await b.market.placeMany(once);
  await b.market.closeEpoch(next);
  await clearDirect(b, next);
  b.rec.progress(`history: ${specs.length} + ${once.length} orders`);
}

/**
 * The scaling books and the end-to-end books, each in an epoch that takes one of the two banks of order slots the
 * history epochs warmed, largest books first: every epoch rewrites slots that an earlier epoch with at least as many
 * orders left behind, as under steady traffic (a first epoch of 1,000 orders after epochs of 200 would pay a fresh
 * slot for each of its extra 800 orders).
 */
export async function scalingRuns(b: Bench): Promise<void> {
  const largestFirst = [...SCALING_BOOKS].sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  // Books above the end-to-end size first, then the end-to-end books, then the smaller ones.
  const larger = largestFirst.filter(([orders]) => orders >= END_TO_END_BOOK[0]);
  const smallest = largestFirst.filter(([orders]) => orders < END_TO_END_BOOK[0]);
  for (const [orders, levels] of larger) {
    const row = await scalingRun(b, orders, levels);
    b.rec.scaling.push(row);
    recordScaling(b, row);
  }
  const [orders, levels] = END_TO_END_BOOK;
  b.rec.endToEnd = await scalingRun(b, orders, levels);
  b.rec.record(`endToEnd.o${orders}.gasPerOrder`, b.rec.endToEnd.gasPerOrder);
  b.rec.record(`endToEnd.o${orders}.createPerOrder`, b.rec.endToEnd.createPerOrder);
  b.rec.record(`endToEnd.o${orders}.clearingPerOrder`, b.rec.endToEnd.clearingPerOrder);
  b.rec.progress(`end to end on a ${orders}-order book, bought GRID delivered to the buyers' wallets`);
  b.rec.endToEndKeep = await scalingRun(b, orders, levels, true);
  b.rec.record(`endToEnd.o${orders}keep.gasPerOrder`, b.rec.endToEndKeep.gasPerOrder);
  b.rec.record(`endToEnd.o${orders}keep.createPerOrder`, b.rec.endToEndKeep.createPerOrder);
  b.rec.record(`endToEnd.o${orders}keep.clearingPerOrder`, b.rec.endToEndKeep.clearingPerOrder);
  b.rec.progress(`end to end on a ${orders}-order book, buyers keeping bought GRID in their accounts`);
  for (const [orders, levels] of smallest) {
    const row = await scalingRun(b, orders, levels);
    b.rec.scaling.push(row);
    recordScaling(b, row);
  }
  b.rec.scaling.sort((a, b) => a.orders - b.orders || a.levels - b.levels);
}

function recordScaling(b: Bench, row: ScalingRow): void {
  const { orders, levels } = row;
  const key = `scaling.o${orders}.l${levels}`;
  b.rec.record(`${key}.gasPerOrder`, row.gasPerOrder);
  b.rec.record(`${key}.createPerOrder`, row.createPerOrder);
  b.rec.record(`${key}.clearingPerOrder`, row.clearingPerOrder);
  b.rec.record(`${key}.upkeepCalls`, row.upkeepCalls);
  b.rec.record(`${key}.largestUpkeep`, row.largestUpkeep);
  b.rec.progress(`scaling: ${orders} orders over ${levels} levels, ${row.upkeepCalls} upkeeps`);
  if (orders === 1000 && levels === 100) recordUpkeepSlices(b, row);
}

function recordUpkeepSlices(b: Bench, row: ScalingRow): void {
  const [first, ...rest] = row.upkeeps;
  b.rec.record("oracle.performUpkeep.matchThenSettle", first.gasUsed);
  b.rec.transactions["oracle.performUpkeep.matchThenSettle"] = first.hash;
  const settles = rest.filter((u) => u.work === "settle");
  if (settles.length < 2) throw new Error("expected several settlement upkeeps");
  b.rec.record("oracle.performUpkeep.settle100", settles[0].gasUsed);
  b.rec.record("oracle.performUpkeep.settleLast", settles[settles.length - 1].gasUsed);
}

/**
 * One epoch of `orders` orders (half sells, half buys, alternating, each from a distinct existing holder who trades
 * from its market account and whose past order counts are spread evenly, see {@link Market.pickBalanced}) over
 * `levels` price levels (asks on the lower half, bids on the upper half: the book crosses everywhere, the walk
 * visits every level and nearly every order fills), cleared by the keeper path with the default batch sizes. With
 * `keepBoughtGrid` the buyers keep the GRID they buy in their accounts; otherwise it is delivered to their wallets.
 */
async function scalingRun(b: Bench, orders: number, levels: number, keepBoughtGrid = false): Promise<ScalingRow> {
  const perSide = Math.max(1, levels / 2);
  const sellers = b.market.pickBalanced(b.population.prosumers, orders / 2);
  const buyers = b.market.pickBalanced(b.population.consumers, orders / 2);
  // Unmeasured: the buyers choose to keep bought GRID in their accounts for this epoch (and go back after).
  if (keepBoughtGrid) await b.chain.execMany(buyers.map((a) => b.market.keepTx(a, true)));
  const specs: OrderSpec[] = [];
  for (let k = 0; k < orders / 2; ++k) {
    const j = k % perSide;
    const askLevel = levels === 1 ? 1100 : 1000 + j;
    const bidLevel = levels === 1 ? 1100 : 1000 + perSide + j;
    specs.push({ actor: sellers[k], side: Side.Sell, wh: 1_000n + BigInt((k * 37) % 500), level: askLevel });
    specs.push({ actor: buyers[k], side: Side.Buy, wh: 1_000n + BigInt((k * 53) % 500), level: bidLevel });
  }
  const epoch = b.market.enterNextEpoch();
  const created = await b.market.placeMany(specs);
  await b.market.closeEpoch(epoch);
  const upkeep: UpkeepRun = await b.market.runUpkeeps();
  if ((await b.market.epochStatus(epoch)) !== EpochStatus.Settled) throw new Error("upkeeps left the epoch unsettled");
  if (keepBoughtGrid) await b.chain.execMany(buyers.map((a) => b.market.keepTx(a, false)));
  const createGas = sum(created.map((m) => m.gasUsed));
  const totalGas = createGas + upkeep.totalGas;
  return {
    orders,
    levels,
    createGas,
    clearingGas: upkeep.totalGas,
    totalGas,
    gasPerOrder: Math.round(totalGas / orders),
    createPerOrder: Math.round(createGas / orders),
    clearingPerOrder: Math.round(upkeep.totalGas / orders),
    upkeepCalls: upkeep.calls.length,
    largestUpkeep: Math.max(...upkeep.calls.map((u) => u.gasUsed)),
    upkeeps: upkeep.calls,
  };
}
