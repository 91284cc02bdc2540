// The participant's orders and fills: every order from the events, the price each filled at, and cancelling
// open orders of the open epoch (one, or all at once) before gate closure.
import type { Address } from "viem";

import { OrderStatus, Side } from "../../../lib/enums";
import { formatKwh, money, orderLabel, price } from "../format";
import { tradingAbi } from "../generated/abis";
import { SendStatusLine, useMarket, useMarketState, useSend } from "../market";
import { useOwnOrders } from "../participant";

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
        <div className="scroll">
          <table data-testid="own-orders">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Side</th>
                <th scope="col">Amount</th>
                <th scope="col">Limit</th>
                <th scope="col">Status</th>
                <th scope="col">Filled</th>
                <th scope="col">At price</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={String(o.orderId)} data-order={orderLabel(o.orderId)}>
                  <td>{orderLabel(o.orderId)}</td>
                  <td>{o.side === Side.Buy ? "Buy" : "Sell"}</td>
                  <td>{formatKwh(o.amount)}</td>
                  <td>{price(info, o.price)}</td>
                  <td>{o.status === OrderStatus.Open && o.epoch < state.epoch ? "Clearing" : STATUS[o.status]}</td>
                  <td>{o.status === OrderStatus.Settled ? formatKwh(o.filled) : "—"}</td>
                  <td>
                    {o.clearingPrice !== undefined && o.filled > 0n ? price(info, o.clearingPrice) : "—"}
                    {o.payment !== undefined && o.filled > 0n && (
                      <span className="muted"> ({money(info, o.payment)})</span>
                    )}
                  </td>
                  <td>
                    {cancellable.includes(o) && (
                      <button type="button" onClick={() => void cancel([o.orderId])}>
                        Cancel <span className="sr-only">order {orderLabel(o.orderId)}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
