// Scenario: settlement per order (full, partial and unfilled fills, first-time holders, epoch close), from
// `executeTrades` slices of 1 and 10 orders. Sellers' proceeds and unsold GRID, and buyers' refunds, are credited to
// their market accounts; bought GRID is delivered to the buyer's wallet unless the buyer keeps it in its account.
//   Actors: prosumers 0–49 and consumers 0–36 of the population (consumers 25–36 keep bought GRID in their
//   accounts for this scenario), and the twelve fresh buyers (who never held GRID).
import { EpochStatus, Side } from "../../lib/enums";
import type { Actor } from "../lib/actors";
import type { Bench } from "../lib/context";
import type { OrderSpec } from "../lib/market";
import { sum } from "../lib/stats";

/**
 * Two epochs laid out so that each kind of settlement occupies a run of consecutive order ids, settled by
 * `executeTrades` slices of 1 and 10 orders: the per-order cost is the difference over the 9 extra orders, the
 * call's fixed cost what remains of the 1-order slice.
 */
export async function settlement(b: Bench): Promise<void> {
  const [p, c, fresh] = [b.population.prosumers, b.population.consumers, b.population.freshBuyers];
  const keepers = c.slice(25, 37);
  const order = (actor: Actor, side: Side, wh: bigint, level: number): OrderSpec => ({ actor, side, wh, level });
  const slices: { what: string; orders: number }[] = [];
  const plan: OrderSpec[] = [];
  const add = (what: string, specs: OrderSpec[], sliceSizes: number[]) => {
    plan.push(...specs);
    for (const orders of sliceSizes) slices.push({ what, orders });
  };
  /** One kind of settlement: each of `actors` places one order of `wh` at `level`. */
  const kind = (what: string, actors: readonly Actor[], side: Side, level: number, sliceSizes: number[], wh = 1_000n) =>
    add(
      what,
      actors.map((a) => order(a, side, wh, level)),
      sliceSizes,
    );

  // Epoch 1 — b* = a* = level 1100; the buy margin is partly filled. Each kind is settled by a warm-up call of
  // 1 order (unmeasured: one-off costs of the first call after another kind), then calls of 1 and 10 orders.
  kind("fullFillBuyFirstTimeHolder", fresh, Side.Buy, 1200, [1, 1, 10]);
  kind("fullFillBuy", c.slice(0, 12), Side.Buy, 1200, [1, 1, 10]);
  kind("fullFillBuyKeeps", keepers, Side.Buy, 1200, [1, 1, 10]);
  kind("fullFillSell", [...p.slice(0, 24), ...p.slice(38, 50)], Side.Sell, 1000, [1, 1, 10, 12, 12]);
  kind("partialFillBuy", [c[12]], Side.Buy, 1100, [1], 2_000n);
  kind("marginSell", [p[24]], Side.Sell, 1100, [1]);
  kind("unfilledBuy", c.slice(13, 25), Side.Buy, 1100, [1, 1, 10]);
  kind("unfilledSell", p.slice(25, 37), Side.Sell, 1300, [1, 1, 10]);
  kind("unfilledSellAndClose", [p[37]], Side.Sell, 1300, [1]);
  await b.chain.execMany(keepers.map((a) => b.market.keepTx(a, true)));
  const first = await settleEpoch(b, plan, slices);
  await b.chain.execMany(keepers.map((a) => b.market.keepTx(a, false)));

  const perOrder = (what: string) => (first.get(`${what}#10`)! - first.get(`${what}#1`)!) / 9;
  const fullBuy = perOrder("fullFillBuy");
  const fixed = first.get("fullFillBuy#1")! - fullBuy;
  b.rec.record("trading.executeTrades.fixed", fixed);
  b.rec.record("trading.executeTrades.fullFillBuy", fullBuy);
  b.rec.record("trading.executeTrades.fullFillBuy.firstTimeHolder", perOrder("fullFillBuyFirstTimeHolder"));
  b.rec.record("trading.executeTrades.fullFillBuyKeeps", perOrder("fullFillBuyKeeps"));
  b.rec.record("trading.executeTrades.fullFillSell", perOrder("fullFillSell"));
  b.rec.record("trading.executeTrades.partialFillBuy", first.get("partialFillBuy#1")! - fixed);
  b.rec.record("trading.executeTrades.unfilledBuy", perOrder("unfilledBuy"));
  b.rec.record("trading.executeTrades.unfilledSell", perOrder("unfilledSell"));
  b.rec.record("trading.executeTrades.epochClose", first.get("unfilledSellAndClose#1")! - first.get("unfilledSell#1")!);

  // Epoch 2 — the mirror image: the sell margin is partly filled.
  plan.length = 0;
  slices.length = 0;
  add(
    "crossing",
    [
      ...c.slice(0, 22).map((a) => order(a, Side.Buy, 1_000n, 1200)),
      ...p.slice(0, 22).map((a) => order(a, Side.Sell, 1_000n, 1000)),
    ],
    [44],
  );
  kind("partialFillSell", [p[22]], Side.Sell, 1100, [1], 2_000n);
  kind("marginBuy", [c[22]], Side.Buy, 1100, [1]);
  kind("unfilledBuyAndClose", [c[23]], Side.Buy, 900, [1]);
  const second = await settleEpoch(b, plan, slices);
  // A sell-only call has no GRID delivery: its fixed part is that of the full sells' calls, not the buys'.
  const fixedSell = first.get("fullFillSell#1")! - perOrder("fullFillSell");
  b.rec.record("trading.executeTrades.partialFillSell", second.get("partialFillSell#1")! - fixedSell);
  b.rec.progress("settlement per order (full, partial, unfilled)");
}

/** Places `plan` in a fresh epoch, matches it, settles it slice by slice; returns gas per `what#orders`. */
async function settleEpoch(
  b: Bench,
  plan: OrderSpec[],
  slices: { what: string; orders: number }[],
): Promise<Map<string, number>> {
  if (sum(slices.map((s) => s.orders)) !== plan.length) throw new Error("slices do not cover the epoch");
  const epoch = b.market.enterNextEpoch();
  await b.market.placeMany(plan);
  await b.market.closeEpoch(epoch);
  if (!(await b.market.matchOrders(epoch, 1_000)).done) throw new Error("matching did not finish");
  // Per kind, the last call of each size counts (a kind's first 1-order call is its warm-up).
  const gas = new Map<string, number>();
  for (const slice of slices) {
    const mined = await b.market.executeTrades(epoch, slice.orders);
    const key = `${slice.what}#${slice.orders}`;
    gas.set(key, mined.gasUsed);
    b.rec.transactions[`trading.executeTrades[${key}]`] = mined.hash;
    b.rec.settlementSlices.push({ what: slice.what, orders: slice.orders, gasUsed: mined.gasUsed });
  }
  if ((await b.market.epochStatus(epoch)) !== EpochStatus.Settled) throw new Error("epoch not settled");
  return gas;
}
