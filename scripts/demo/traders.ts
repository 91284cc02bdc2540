// The campus's traders: one agent per prosumer and consumer building and the utility, each deciding on what it
// holds now; their orders go out together as transactions.
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
    return planned;
  }
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
