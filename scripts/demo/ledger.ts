// The demo's view of the market, from events: the orders the agents placed, the fills the keeper's upkeeps
// settled, and per epoch what was offered, bid, cleared and metered.
import { Side } from "../../lib/enums";
import { fillOutcome } from "../../lib/quantities";
import type { RawReceipt } from "../../lib/rpc";
import { parseEvents } from "../../lib/tx";
import type { Trading } from "../../typechain-types";
import type { FillOutcome } from "./agents";
import type { EpochRecord, FillRecord } from "./types";

interface PlacedOrder {
  owner: string;
  side: "buy" | "sell";
  amount: bigint;
  price: bigint;
}

export class OrderLedger {
  readonly fills: FillRecord[] = [];
  private readonly orders = new Map<string, PlacedOrder>();
  /** Clearing prices by epoch, from `EpochMatched`: `OrderFilled` leaves the price to it. */
  private readonly prices = new Map<bigint, bigint>();

  /** `utility`'s fills are not reported back to it as outcomes (the market maker does not learn from them). */
  constructor(
    private readonly trading: Trading,
    private readonly utility: string,
  ) {}

  /**
   * Reads the keeper's receipts: the clearing price and volume of `prev` (the epoch that just ended) and every
   * fill. Returns how each participant's order went.
   */
  settle(receipts: RawReceipt[], prev: EpochRecord | undefined): Map<string, FillOutcome> {
    const outcome = new Map<string, FillOutcome>();
    for (const ev of this.events(receipts)) {
      if (ev.name === "EpochMatched") {
        this.prices.set(ev.args.epoch as bigint, ev.args.clearingPrice as bigint);
        if (prev !== undefined && Number(ev.args.epoch) === prev.epoch) {
          prev.clearingPrice = ev.args.clearingPrice as bigint;
          prev.volume = ev.args.volume as bigint;
        }
      } else if (ev.name === "OrderFilled") {
        const orderId = ev.args.orderId as bigint;
        const id = orderId.toString();
        const o = this.orders.get(id);
        if (o === undefined) continue; // not an agent's order: someone trading through the web app (--serve)
        const epoch = orderId >> 32n;
        const clearingPrice = this.prices.get(epoch);
        if (clearingPrice === undefined) throw new Error(`order ${id} settled before its epoch ${epoch} was matched`);
        const [filled, payment] = [ev.args.filled as bigint, ev.args.payment as bigint];
        const request = { side: o.side === "buy" ? Side.Buy : Side.Sell, amount: o.amount, price: o.price };
        this.fills.push({
          orderId: id,
          epoch: Number(epoch),
          owner: ev.args.owner as string,
          side: o.side,
          amount: o.amount,
          limitPrice: o.price,
          filled,
          clearingPrice,
          payment,
          ...fillOutcome(request, clearingPrice, filled, payment),
        });
        if (o.owner !== this.utility) {
          outcome.set(o.owner, filled === 0n ? "none" : filled === o.amount ? "full" : "partial");
        }
      }
    }
    return outcome;
  }

  /**
   * Reads the agents' order receipts: remembers the orders, counts them into `record` with their gas (per
   * order: a batch's gas split over its orders), and returns the shortfalls the orders pulled from wallets.
   */
  place(receipts: RawReceipt[], record: EpochRecord): { owner: string; token: string; amount: bigint }[] {
    const pulls: { owner: string; token: string; amount: bigint }[] = [];
    for (const receipt of receipts) {
      const events = this.events([receipt]);
      const created = events.filter((ev) => ev.name === "OrderCreated");
      const deposits = events.filter((ev) => ev.name === "Deposited");
      const gas = BigInt(receipt.gasUsed);
      record.orderTransactions++;
      if (created.length > 0) {
        const perOrder = gas / BigInt(created.length);
        if (perOrder > record.maxOrderGas) record.maxOrderGas = perOrder;
      }
      if (deposits.length > 0) {
        record.pullingOrders += created.length;
        record.pullingGas += gas;
      } else if (created.length === 1) {
        record.accountOrders++;
        record.accountGas += gas;
      }
      for (const ev of deposits) {
        pulls.push({
          owner: ev.args.account as string,
          token: ev.args.token as string,
          amount: ev.args.amount as bigint,
        });
      }
      for (const ev of created) {
        const side = Number(ev.args.side) === 0 ? "buy" : "sell";
        this.orders.set((ev.args.orderId as bigint).toString(), {
          owner: ev.args.owner as string,
          side,
          amount: ev.args.amount as bigint,
          price: ev.args.price as bigint,
        });
        if (Number(ev.args.epoch) !== record.epoch)
          throw new Error(`order landed in epoch ${ev.args.epoch}, not ${record.epoch}`);
        if (side === "buy") {
          record.buyOrders++;
          record.bidVolume += ev.args.amount as bigint;
        } else {
          record.sellOrders++;
          record.askVolume += ev.args.amount as bigint;
        }
      }
    }
    record.gas.orders = receipts.reduce((s, r) => s + BigInt(r.gasUsed), 0n);
    return pulls;
  }

  private events(receipts: RawReceipt[]) {
    return parseEvents(
      receipts.flatMap((r) => r.logs),
      this.trading,
    );
  }
}

/** A new epoch's record: the interval's physical data, nothing traded or metered yet. */
export function newEpochRecord(
  index: number,
  epoch: number,
  start: number,
  interval: { generationWh: number[]; consumptionWh: number[] },
): EpochRecord {
  let exportWh = 0;
  let importWh = 0;
  interval.generationWh.forEach((generation, i) => {
    exportWh += Math.max(generation - interval.consumptionWh[i], 0);
    importWh += Math.max(interval.consumptionWh[i] - generation, 0);
  });
  return {
    index,
    epoch,
    start,
    generationWh: interval.generationWh.reduce((s, x) => s + x, 0),
    consumptionWh: interval.consumptionWh.reduce((s, x) => s + x, 0),
    exportWh,
    importWh,
    minted: 0n,
    burned: 0n,
    readingsAccepted: 0,
    readingsRejected: 0,
    buyOrders: 0,
    sellOrders: 0,
    bidVolume: 0n,
    askVolume: 0n,
    clearingPrice: 0n,
    volume: 0n,
    status: 0,
    gas: { orders: 0n, readings: 0n, keeper: 0n, accounts: 0n },
    upkeeps: 0,
    orderTransactions: 0,
    maxOrderGas: 0n,
    pullingOrders: 0,
    pullingGas: 0n,
    accountOrders: 0,
    accountGas: 0n,
    coverWithdrawals: 0,
    coverWithdrawn: 0n,
  };
}
