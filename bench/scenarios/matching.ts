// Scenario: matching walks over fully crossing books of 1, 10 and 100 levels per side, dense and spread.
//   Actors: prosumers and consumers 0–99 of the population, one order each per book.
import { Side } from "../../lib/enums";
import { type Bench, clearDirect } from "../lib/context";
import type { OrderSpec } from "../lib/market";
import type { MatchPoint } from "../lib/types";
import { fitLine } from "../lib/stats";

/** Fully crossing books (every bid above every ask, 1 kWh per level): the walk visits every level. */
export async function matching(b: Bench): Promise<void> {
  const runs: {
    layout: MatchPoint["layout"];
    perSide: number;
    askLevel: (k: number) => number;
    bidLevel: (k: number) => number;
  }[] = [
    ...[1, 10, 100].map((n) => ({
      layout: "dense" as const,
      perSide: n,
      askLevel: (k: number) => 1000 + k,
      bidLevel: (k: number) => 1000 + n + k,
    })),
    // The same 100 + 100 levels spread over the whole price range (one level every 50 ticks).
    { layout: "spread", perSide: 100, askLevel: (k) => 1 + 50 * k, bidLevel: (k) => 5001 + 50 * k },
  ];
  for (const run of runs) {
    const epoch = b.market.enterNextEpoch();
    const specs: OrderSpec[] = [];
    for (let k = 0; k < run.perSide; ++k) {
      specs.push({ actor: b.population.prosumers[k], side: Side.Sell, wh: 1_000n, level: run.askLevel(k) });
      specs.push({ actor: b.population.consumers[k], side: Side.Buy, wh: 1_000n, level: run.bidLevel(k) });
    }
    await b.market.placeMany(specs);
    await b.market.closeEpoch(epoch);
    const { mined, levels, done } = await b.market.matchOrders(epoch, 1_000);
    if (!done) throw new Error("matching did not finish in one call");
    b.rec.matchPoints.push({
      layout: run.layout,
      levelsPerSide: run.perSide,
      levelsWalked: levels,
      gasUsed: mined.gasUsed,
    });
    b.rec.record(`trading.matchOrders.${run.layout}${run.perSide}`, mined.gasUsed, mined);
    await clearDirect(b, epoch);
  }
  const dense = b.rec.matchPoints.filter((m) => m.layout === "dense").map((m) => ({ x: m.levelsWalked, y: m.gasUsed }));
  const fit = fitLine(dense);
  b.rec.record("trading.matchOrders.perLevel", fit.slope);
  // Adjacent levels share depth slots (seven to a slot), so their walk is cheaper per level than the fixed-plus-
  // slope line suggests for one level. The fixed part is therefore the smallest walk less its levels at the cost
  // of a level in a slot of its own: the slope from that walk to the walk over levels spread 50 ticks apart.
  const smallest = b.rec.matchPoints.reduce((a, m) => (m.levelsWalked < a.levelsWalked ? m : a));
  const spread = b.rec.matchPoints.find((m) => m.layout === "spread")!;
  const perLevelSpread = (spread.gasUsed - smallest.gasUsed) / (spread.levelsWalked - smallest.levelsWalked);
  const fixed = smallest.gasUsed - smallest.levelsWalked * perLevelSpread;
  b.rec.record("trading.matchOrders.perLevelSpread", perLevelSpread);
  b.rec.record("trading.matchOrders.fixed", fixed);
  // What a matchOrders call costs beyond the transaction's intrinsic gas (21,000 plus calldata): its cost as
  // a step inside performUpkeep, which is how the keeper runs it.
  const calldata = b.market.matchOrdersCalldata(0, 1_000);
  b.rec.record("trading.matchOrders.fixedInCall", fixed - intrinsicGas(calldata));
  b.rec.progress("matching walks over 1, 10 and 100 levels per side");
}

/** The intrinsic gas of a transaction with `data` (EIP-2028 calldata pricing, no access list). */
function intrinsicGas(data: string): number {
  const bytes = Buffer.from(data.slice(2), "hex");
  let gas = 21_000;
  for (const b of bytes) gas += b === 0 ? 4 : 16;
  return gas;
}
