// The campus's traders: one agent per prosumer and consumer building and the utility, each deciding on what it
// holds now (wallet and market account together); their orders go out together as transactions, one per agent:
// a single order as `createBuyOrder`/`createSellOrder`, several (the utility's bid and ask) as one `createOrders`.
import { Side } from "../../lib/enums";
import type { TxRequest } from "../../lib/rpc";
import type { Trading } from "../../typechain-types";
import {
  ConsumerAgent,
  type FillOutcome,
  type PlannedOrder,
  ProsumerAgent,
  type Tariffs,
  UtilityAgent,
} from "./agents";
import type { Participant } from "./types";

const ORDER_GAS = 400_000n;

/** What the traders see of the market and the meters. */
export interface TraderView {
  /** GRID and payment token the account holds, in its wallet and free in its market account together. */
  gridBalance(account: string): Promise<bigint>;
  paymentBalance(account: string): Promise<bigint>;
  /** Energy each participant's meter imported in the last interval (Wh). */
  lastImportWh: ReadonlyMap<string, number>;
  /** How each participant's last order went. */
  outcome: ReadonlyMap<string, FillOutcome>;
  /** Whether anyone offered GRID in the last epoch. */
  supplyLastEpoch: boolean;
}

export class Traders {
  private readonly prosumers = new Map<string, ProsumerAgent>();
  private readonly consumers = new Map<string, ConsumerAgent>();
  private readonly utility = new UtilityAgent();

  constructor(
    private readonly participants: readonly Participant[],
    seed: number,
    private readonly tariffs: Tariffs,
    /** The most GRID the campus could export in one interval. */
    private readonly maxSurplus: bigint,
  ) {
    for (const p of participants) {
      if (p.role === "prosumer") this.prosumers.set(p.address, new ProsumerAgent(seed, p.serial!));
      if (p.role === "consumer") this.consumers.set(p.address, new ConsumerAgent(seed, p.serial!));
    }
  }

  /** Every participant's orders for the new epoch, in participant order. */
  async plan(view: TraderView): Promise<{ p: Participant; order: PlannedOrder }[]> {
    const planned: { p: Participant; order: PlannedOrder }[] = [];
    await this.decideAll(view, planned);
    return planned;
  }

  /** The orders of {@link plan}, one entry per participant that places any. */
  async planByParticipant(view: TraderView): Promise<{ p: Participant; orders: PlannedOrder[] }[]> {
    const out: { p: Participant; orders: PlannedOrder[] }[] = [];
    for (const { p, order } of await this.plan(view)) {
      const last = out[out.length - 1];
      if (last?.p.address === p.address) last.orders.push(order);
      else out.push({ p, orders: [order] });
    }
    return out;
  }

  private async decideAll(view: TraderView, planned: { p: Participant; order: PlannedOrder }[]): Promise<void> {
    for (const p of this.participants) {
      if (p.role === "prosumer") {
        const order = this.prosumers.get(p.address)!.decide(
          {
            gridBalance: await view.gridBalance(p.address),
            lastImportWh: view.lastImportWh.get(p.address) ?? 0,
            lastOutcome: view.outcome.get(p.address) ?? "idle",
          },
          this.tariffs,
        );
        if (order) planned.push({ p, order });
      } else if (p.role === "consumer") {
        const order = this.consumers.get(p.address)!.decide(
          {
            gridBalance: await view.gridBalance(p.address),
            paymentBalance: await view.paymentBalance(p.address),
            lastImportWh: view.lastImportWh.get(p.address) ?? 0,
            lastOutcome: view.outcome.get(p.address) ?? "idle",
            supplyLastEpoch: view.supplyLastEpoch,
          },
          this.tariffs,
        );
        if (order) planned.push({ p, order });
      } else {
        const gridBalance = await view.gridBalance(p.address);
        const paymentBalance = await view.paymentBalance(p.address);
        for (const order of this.utility.decide(
          { gridBalance, paymentBalance, maxSurplus: this.maxSurplus },
          this.tariffs,
        )) {
          planned.push({ p, order });
        }
      }
    }
  }
}

/** The transaction placing `orders` for `p`: one order on its own, several in one `createOrders`. */
export function ordersTx(
  trading: Trading,
  tradingAddress: string,
  p: Participant,
  orders: readonly PlannedOrder[],
): TxRequest {
  if (orders.length === 1) return orderTx(trading, tradingAddress, p, orders[0]);
  return {
    from: p.address,
    to: tradingAddress,
    data: trading.interface.encodeFunctionData("createOrders", [
      orders.map((o) => ({ side: o.side === "buy" ? Side.Buy : Side.Sell, amount: o.amount, price: o.price })),
    ]),
    gas: ORDER_GAS * BigInt(orders.length),
    label: `${orders.length} orders ${p.label}`,
  };
}

/** The transaction placing `order` for `p`. */
export function orderTx(trading: Trading, tradingAddress: string, p: Participant, order: PlannedOrder): TxRequest {
  return {
    from: p.address,
    to: tradingAddress,
    data:
      order.side === "buy"
        ? trading.interface.encodeFunctionData("createBuyOrder", [order.amount, order.price])
        : trading.interface.encodeFunctionData("createSellOrder", [order.amount, order.price]),
    gas: ORDER_GAS,
    label: `${order.side} ${p.label}`,
  };
}
