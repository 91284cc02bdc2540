// Placing orders: one or several rows in kWh and currency per kWh, checked against the market's rules as they are
// typed, sent as one createOrders batch (after an approval when the wallet must cover part of the escrow).
import { useState } from "react";
import { maxUint256 } from "viem";

import { Side } from "../../../lib/enums";
import { formatKwh, money } from "../format";
import { erc20Abi, tradingAbi } from "../generated/abis";
import { type Call, SendStatusLine, useMarket, useMarketState, useSend } from "../market";
import { checkOrders, type OrderRow } from "../orderForm";
import { useHoldings, useOwnOrders } from "../participant";

const EMPTY: OrderRow = { side: Side.Buy, kwh: "", price: "" };

export function OrderForm() {
  const { config, info } = useMarket();
  const state = useMarketState().data;
  const holdings = useHoldings().data;
  const orders = useOwnOrders().data;
  const { send, status } = useSend();
  const [rows, setRows] = useState<OrderRow[]>([{ ...EMPTY }]);
  const [touched, setTouched] = useState(false);

  if (holdings === undefined || state === undefined) return null;
  const placed = (orders ?? []).filter((o) => o.epoch === state.epoch).length;
  const check = checkOrders(rows, {
    tickSize: info.tickSize,
    maxPrice: info.maxPrice,
    minOrderAmount: info.minOrderAmount,
    maxOrdersPerUser: info.maxOrdersPerUser,
    payment: info.payment,
    placedThisEpoch: placed,
    account: holdings.account,
    wallet: holdings.wallet,
  });
  const valid = check.orders.length === rows.length && check.problems.length === 0;
  const update = (i: number, patch: Partial<OrderRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async () => {
    setTouched(true);
    if (!valid) return;
    const calls: Call[] = [];
    const trading = config.contracts.trading as `0x${string}`;
    if (check.pull.payment > holdings.allowance.payment) {
      calls.push({ address: info.payment.address, abi: erc20Abi, functionName: "approve", args: [trading, maxUint256] });
    }
    if (check.pull.grid > holdings.allowance.grid) {
      const grid = config.contracts.gridToken as `0x${string}`;
      calls.push({ address: grid, abi: erc20Abi, functionName: "approve", args: [trading, maxUint256] });
    }
    const requests = check.orders.map((o) => ({ side: o.side, amount: o.amount, price: o.price }));
    calls.push({ address: trading, abi: tradingAbi, functionName: "createOrders", args: [requests] });
    const label = requests.length === 1 ? "Place order" : `Place ${requests.length} orders`;
    if (await send(label, calls)) {
      setRows([{ ...EMPTY }]);
      setTouched(false);
    }
  };

  return (
    <section className="card" aria-labelledby="order-title">
      <h2 id="order-title">Place orders</h2>
      <p className="muted">
        Amounts in kWh (whole watt-hours, at least {formatKwh(info.minOrderAmount)}); prices in {info.payment.symbol}
        /kWh, a multiple of {money(info, info.tickSize)} up to {money(info, info.maxPrice)}. {placed} of{" "}
        {String(info.maxOrdersPerUser)} orders placed this epoch.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        {rows.map((row, i) => {
          const problem = check.rowProblems[i];
          const showProblem = problem !== undefined && (touched || (row.kwh !== "" && row.price !== ""));
          const id = `order-${i}`;
          return (
            <fieldset key={i} className="order-row">
              <legend>Order {i + 1}</legend>
              <label htmlFor={`${id}-side`}>Side</label>
              <select
                id={`${id}-side`}
                value={row.side}
                onChange={(e) => update(i, { side: Number(e.target.value) as Side })}
              >
                <option value={Side.Buy}>Buy</option>
                <option value={Side.Sell}>Sell</option>
              </select>
              <label htmlFor={`${id}-kwh`}>Amount (kWh)</label>
              <input
                id={`${id}-kwh`}
                inputMode="decimal"
                value={row.kwh}
                aria-invalid={showProblem}
                aria-describedby={showProblem ? `${id}-problem` : undefined}
                onChange={(e) => update(i, { kwh: e.target.value })}
              />
              <label htmlFor={`${id}-price`}>Price ({info.payment.symbol}/kWh)</label>
              <input
                id={`${id}-price`}
                inputMode="decimal"
                value={row.price}
                aria-invalid={showProblem}
                aria-describedby={showProblem ? `${id}-problem` : undefined}
                onChange={(e) => update(i, { price: e.target.value })}
              />
              {rows.length > 1 && (
                <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  Remove order {i + 1}
                </button>
              )}
              {showProblem && (
                <p id={`${id}-problem`} className="field-error" role="alert">
                  {problem}
                </p>
              )}
            </fieldset>
          );
        })}
        <div className="escrow" data-testid="escrow">
          Reserves {money(info, check.escrow.payment)} and {formatKwh(check.escrow.grid)}
          {check.pull.payment > 0n || check.pull.grid > 0n
            ? `; from your wallet: ${money(info, check.pull.payment)} and ${formatKwh(check.pull.grid)}`
            : "; all from your market account"}
          .
        </div>
        {(touched || check.orders.length > 0) &&
          check.problems.map((p) => (
            <p key={p} className="field-error" role="alert">
              {p}
            </p>
          ))}
        <div className="actions">
          <button type="button" onClick={() => setRows([...rows, { ...EMPTY }])}>
            Add another order
          </button>
          <button type="submit" className="primary" disabled={status.kind === "pending"}>
            {rows.length === 1 ? "Place order" : `Place ${rows.length} orders`}
          </button>
        </div>
      </form>
      <SendStatusLine status={status} />
    </section>
  );
}
