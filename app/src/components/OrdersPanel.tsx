// The participant's orders and fills: every order from the events, the price each filled at, and cancelling
// open orders of the open epoch (one, or all at once) before gate closure.
import type { Address } from "viem";

import { OrderStatus, Side } from "../../../lib/enums";
import { formatKwh, money, orderLabel, price } from "../format";
import { tradingAbi } from "../generated/abis";
import { SendStatusLine, useMarket, useMarketState, useSend } from "../market";
import { useOwnOrders } from "../participant";
import { Table } from "./Table";

const STATUS = ["—", "Open", "Cancelled", "Settled"];

export function OrdersPanel() {
  const { config, info } = useMarket();
  const state = useMarketState().data;
  const orders = useOwnOrders().data;
  const { send, status } = useSend();
  if (orders === undefined || state === undefined) return null;
  const trading = config.contracts.trading as Address;
  const cancellable = orders.filter((o) => o.status === OrderStatus.Open && o.epoch === state.epoch);
  const cancel = (ids: bigint[]) =>
    send(ids.length === 1 ? `Cancel order ${orderLabel(ids[0])}` : `Cancel ${ids.length} orders`, [
      ids.length === 1
        ? { address: trading, abi: tradingAbi, functionName: "cancelOrder", args: [ids[0]] }
        : { address: trading, abi: tradingAbi, functionName: "cancelOrders", args: [ids] },
    ]);
  return (
    <section className="card wide" aria-labelledby="orders-title">
      <h2 id="orders-title">Your orders and fills</h2>
      {orders.length === 0 ? (
        <p className="muted">No orders yet.</p>
      ) : (
        <Table
          testId="own-orders"
          headers={[
            "Order",
            "Side",
            "Amount",
            "Limit",
            "Status",
            "Filled",
            "At price",
            <span className="sr-only">Actions</span>,
          ]}
          rows={orders}
          rowKey={(o) => String(o.orderId)}
          cells={(o) => [
            orderLabel(o.orderId),
            o.side === Side.Buy ? "Buy" : "Sell",
            formatKwh(o.amount),
            price(info, o.price),
            o.status === OrderStatus.Open && o.epoch < state.epoch ? "Clearing" : STATUS[o.status],
            o.status === OrderStatus.Settled ? formatKwh(o.filled) : "—",
            <>
              {o.clearingPrice !== undefined && o.filled > 0n ? price(info, o.clearingPrice) : "—"}
              {o.payment !== undefined && o.filled > 0n && <span className="muted"> ({money(info, o.payment)})</span>}
            </>,
            cancellable.includes(o) && (
              <button type="button" onClick={() => void cancel([o.orderId])}>
                Cancel <span className="sr-only">order {orderLabel(o.orderId)}</span>
              </button>
            ),
          ]}
        />
      )}
      {cancellable.length > 1 && (
        <button type="button" onClick={() => void cancel(cancellable.map((o) => o.orderId))}>
          Cancel all {cancellable.length} open orders
        </button>
      )}
      <SendStatusLine status={status} />
    </section>
  );
}
