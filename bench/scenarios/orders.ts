// Scenario: order placement (first of the epoch, of a side, of a level, of a user; steady state; with permits)
// and cancellation.
//   Actors: prosumers and consumers 0–2 of the population (users who traded before), the two novices (who never
//   did) and the two permit users (who never approved Trading).
import { Side } from "../../lib/enums";
import type { TxRequest } from "../../lib/rpc";
import type { Actor } from "../lib/actors";
import { type Bench, clearDirect } from "../lib/context";
import type { OrderSpec } from "../lib/market";
import { sum } from "../lib/stats";

/**
 * Order placement and cancellation in one epoch, by users who already traded in earlier epochs (the matching
 * and settlement epochs ran first) unless the variant says otherwise. "steady" is the mean over 12 consecutive
 * orders of one user at a price level already used in the epoch, after its first order there: per-user storage
 * that fills up in words (e.g. a list of order ids) shows up in the mean and in "steadyMax", not by luck of phase.
 */
export async function orders(b: Bench): Promise<void> {
  const [p, c] = [b.population.prosumers, b.population.consumers];
  const [noviceSeller, noviceBuyer] = b.population.novices;
  const [permitSeller, permitBuyer] = b.population.permitUsers;
  const epoch = b.market.enterNextEpoch();
  const sell = (actor: Actor, level: number): OrderSpec => ({ actor, side: Side.Sell, wh: 1_000n, level });
  const buy = (actor: Actor, level: number): OrderSpec => ({ actor, side: Side.Buy, wh: 1_000n, level });
  const placed = async (key: string, spec: OrderSpec) => {
    const { mined, orderId } = await b.market.place(spec);
    b.rec.record(key, mined.gasUsed, mined);
    return orderId;
  };
  const series = async (key: string, count: number, tx: () => Promise<TxRequest>) => {
    const gas: number[] = [];
    const ids: bigint[] = [];
    for (let i = 0; i < count; ++i) {
      const mined = await b.chain.exec(await tx());
      if (i === 0) b.rec.transactions[key] = mined.hash;
      gas.push(mined.gasUsed);
      ids.push(b.market.orderIdOf(mined));
    }
    b.rec.record(key, sum(gas) / count);
    b.rec.record(`${key}Max`, Math.max(...gas));
    return ids;
  };

  await placed("trading.createSellOrder.epochFirst", sell(p[0], 1000));
  await placed("trading.createBuyOrder.sideFirst", buy(c[0], 1200));
  await placed("trading.createSellOrder.newLevel", sell(p[1], 1001));
  await placed("trading.createBuyOrder.newLevel", buy(c[1], 1201));
  await placed("trading.createSellOrder.userFirstEver", sell(noviceSeller, 1000));
  await placed("trading.createBuyOrder.userFirstEver", buy(noviceBuyer, 1200));
  await b.market.place(sell(p[2], 1000));
  await b.market.place(buy(c[2], 1200));
  const sells = await series("trading.createSellOrder.steady", 12, async () => b.market.orderTx(sell(p[2], 1000)));
  const buys = await series("trading.createBuyOrder.steady", 12, async () => b.market.orderTx(buy(c[2], 1200)));

  // Permit users never approved Trading: each order carries an EIP-2612 permit of exactly its escrow.
  const permitFirst = async (key: string, spec: OrderSpec) => {
    const mined = await b.chain.exec(await b.market.permitOrderTx(spec));
    b.rec.record(key, mined.gasUsed, mined);
  };
  await permitFirst("trading.createSellOrderWithPermit.userFirstEver", sell(permitSeller, 1000));
  await permitFirst("trading.createBuyOrderWithPermit.userFirstEver", buy(permitBuyer, 1200));
  await series("trading.createSellOrderWithPermit.steady", 12, () => b.market.permitOrderTx(sell(permitSeller, 1000)));
  await series("trading.createBuyOrderWithPermit.steady", 12, () => b.market.permitOrderTx(buy(permitBuyer, 1200)));

  let mined = await b.chain.exec(b.market.cancelTx(c[2], buys[0]));
  b.rec.record("trading.cancelOrder.buy", mined.gasUsed, mined);
  mined = await b.chain.exec(b.market.cancelTx(p[2], sells[0]));
  b.rec.record("trading.cancelOrder.sell", mined.gasUsed, mined);

  await b.market.closeEpoch(epoch);
  await clearDirect(b, epoch);
  b.rec.progress("order placement and cancellation");
}
