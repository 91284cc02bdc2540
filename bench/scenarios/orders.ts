// Scenario: order placement (first of the epoch, of a side, of a level, of a user; steady state from the market
// account, from the wallet and with permits; several orders in one transaction) and cancellation (one, several).
//   Actors: prosumers and consumers 0–3 of the population (users who traded before and deposited), the two novices
//   (who never traded nor deposited: the wallet path) and the two permit users (who never approved Trading).
import { Side } from "../../lib/enums";
import type { TxRequest } from "../../lib/rpc";
import type { Actor } from "../lib/actors";
import { type Bench, clearDirect } from "../lib/context";
import type { OrderSpec } from "../lib/market";
import { sum } from "../lib/stats";

/** Orders per `createOrders` batch, and batches per side. */
const BATCH = 5;
const BATCHES = 3;

/**
 * Order placement and cancellation in one epoch, by users who already traded in earlier epochs (the matching
 * and settlement epochs ran first: six epochs of traffic, so the epoch's order slots rewrite slots that settled
 * orders left behind) unless the variant says otherwise. "steady" is the mean over 12 consecutive orders of one
 * user at a price level already used in the epoch, after its first order there: per-user storage that fills up in
 * words shows up in the mean and in "steadyMax", not by luck of phase.
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
  // From the market account: the pool users deposited before trading.
  await b.market.place(sell(p[2], 1000));
  await b.market.place(buy(c[2], 1200));
  const sells = await series("trading.createSellOrder.steady", 12, async () => b.market.orderTx(sell(p[2], 1000)));
  const buys = await series("trading.createBuyOrder.steady", 12, async () => b.market.orderTx(buy(c[2], 1200)));
  // From the wallet: the novices never deposited; each order pulls its whole escrow with transferFrom.
  await series("trading.createSellOrder.steadyFromWallet", 12, async () => b.market.orderTx(sell(noviceSeller, 1000)));
  await series("trading.createBuyOrder.steadyFromWallet", 12, async () => b.market.orderTx(buy(noviceBuyer, 1200)));

  // Several orders in one transaction, from the account, after the user's first order in the epoch.
  await b.market.place(sell(p[3], 1000));
  await b.market.place(buy(c[3], 1200));
  const batch = async (key: string, actor: Actor, side: Side, level: number) => {
    const gas: number[] = [];
    const ids: bigint[] = [];
    for (let k = 0; k < BATCHES; ++k) {
      const specs = Array.from({ length: BATCH }, () => ({ side, wh: 1_000n, level }));
      const mined = await b.chain.exec(b.market.ordersTx(actor, specs));
      if (k === 0) b.rec.transactions[key] = mined.hash;
      gas.push(mined.gasUsed / BATCH);
      ids.push(...b.market.orderIdsOf(mined));
    }
    b.rec.record(key, sum(gas) / BATCHES);
    return ids;
  };
  const batchSells = await batch(`trading.createOrders.sell${BATCH}.perOrder`, p[3], Side.Sell, 1000);
  await batch(`trading.createOrders.buy${BATCH}.perOrder`, c[3], Side.Buy, 1200);

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
  mined = await b.chain.exec(b.market.cancelManyTx(p[3], batchSells.slice(0, BATCH)));
  b.rec.record(`trading.cancelOrders.sell${BATCH}.perOrder`, mined.gasUsed / BATCH, mined);

  await b.market.closeEpoch(epoch);
  await clearDirect(b, epoch);
  b.rec.progress("order placement and cancellation");
}
