// Placing orders: one or several rows in kWh and currency per kWh, checked against the market's rules as they are
// typed (OrderFormView, which the component tests render alone), sent as one createOrders batch after an approval
// when the wallet must cover part of the escrow (OrderForm).
import { Fragment, useState } from "react";
import { type Address, maxUint256 } from "viem";

import { Side } from "../../../lib/enums";
import { formatKwh, formatMoney } from "../../../lib/quantities";
import { erc20Abi, tradingAbi } from "../generated/abis";
import { type Call, SendStatusLine, useMarket, useMarketState, useSend } from "../market";
import { checkOrders, type FormCheck, type FormContext, type OrderRow } from "../orderForm";
import { useHoldings, useOwnOrders } from "../participant";

const EMPTY: OrderRow = { side: Side.Buy, kwh: "", price: "" };

export interface OrderFormViewProps {
  ctx: FormContext;
  /** Sends the checked batch; resolves true when it went through (the form then clears). */
  onSubmit(check: FormCheck): Promise<boolean>;
  busy?: boolean;
}

export function OrderFormView({ ctx, onSubmit, busy = false }: OrderFormViewProps) {
  const [rows, setRows] = useState<OrderRow[]>([{ ...EMPTY }]);
  const [touched, setTouched] = useState(false);
  const check = checkOrders(rows, ctx);
  const valid = check.orders.length === rows.length && check.problems.length === 0;
  const money = (v: bigint) => formatMoney(v, ctx.payment.decimals, ctx.payment.symbol);
  const update = (i: number, patch: Partial<OrderRow>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async () => {
    setTouched(true);
    if (!valid) return;
    if (await onSubmit(check)) {
      setRows([{ ...EMPTY }]);
      setTouched(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
    >
      <p className="muted">
        Amounts in kWh (whole watt-hours, at least {formatKwh(ctx.minOrderAmount)}); prices in {ctx.payment.symbol}
        /kWh, a multiple of {money(ctx.tickSize)} up to {money(ctx.maxPrice)}. {ctx.placedThisEpoch} of{" "}
        {String(ctx.maxOrdersPerUser)} orders placed this epoch.
      </p>
      {rows.map((row, i) => {
        const problem = check.rowProblems[i];
        const showProblem = problem !== undefined && (touched || (row.kwh !== "" && row.price !== ""));
        const id = `order-${i}`;
        const described = showProblem ? `${id}-problem` : undefined;
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
            {(["kwh", "price"] as const).map((field) => (
              <Fragment key={field}>
                <label htmlFor={`${id}-${field}`}>
                  {field === "kwh" ? "Amount (kWh)" : `Price (${ctx.payment.symbol}/kWh)`}
                </label>
                <input
                  id={`${id}-${field}`}
                  inputMode="decimal"
                  value={row[field]}
                  aria-invalid={showProblem}
                  aria-describedby={described}
                  onChange={(e) => update(i, { [field]: e.target.value })}
                />
              </Fragment>
            ))}
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
        Reserves {money(check.escrow.payment)} and {formatKwh(check.escrow.grid)}
        {check.pull.payment > 0n || check.pull.grid > 0n
          ? `; from your wallet: ${money(check.pull.payment)} and ${formatKwh(check.pull.grid)}`
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
        <button type="submit" className="primary" disabled={busy}>
          {rows.length === 1 ? "Place order" : `Place ${rows.length} orders`}
        </button>
      </div>
    </form>
  );
}

export function OrderForm() {
  const { config, info } = useMarket();
  const state = useMarketState().data;
  const holdings = useHoldings().data;
  const orders = useOwnOrders().data;
  const { send, status } = useSend();
  if (holdings === undefined || state === undefined) return null;

  const trading = config.contracts.trading as Address;
  const approve = (token: Address): Call => ({
    address: token,
    abi: erc20Abi,
    functionName: "approve",
    args: [trading, maxUint256],
  });
  const place = (check: FormCheck) => {
    const calls: Call[] = [];
    if (check.pull.payment > holdings.allowance.payment) calls.push(approve(info.payment.address));
    if (check.pull.grid > holdings.allowance.grid) calls.push(approve(config.contracts.gridToken as Address));
    const requests = check.orders.map((o) => ({ side: o.side, amount: o.amount, price: o.price }));
    calls.push({ address: trading, abi: tradingAbi, functionName: "createOrders", args: [requests] });
    return send(requests.length === 1 ? "Place order" : `Place ${requests.length} orders`, calls);
  };
  const ctx: FormContext = {
    tickSize: info.tickSize,
    maxPrice: info.maxPrice,
    minOrderAmount: info.minOrderAmount,
    maxOrdersPerUser: info.maxOrdersPerUser,
    payment: info.payment,
    placedThisEpoch: (orders ?? []).filter((o) => o.epoch === state.epoch).length,
    account: holdings.account,
    wallet: holdings.wallet,
  };
  return (
    <section className="card" aria-labelledby="order-title">
      <h2 id="order-title">Place orders</h2>
      <OrderFormView ctx={ctx} onSubmit={place} busy={status.kind === "pending"} />
      <SendStatusLine status={status} />
    </section>
  );
}
