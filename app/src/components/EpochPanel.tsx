// The open epoch: its number, the countdown to gate closure (on the chain's clock) and its depth by price.
import { usePublicClient } from "wagmi";

import { clock, countdown, formatKwh, price } from "../format";
import { useChainNow, useChainQuery, useMarket, useMarketState } from "../market";
import { readDepth } from "../reads";

export function EpochPanel() {
  const { config, info } = useMarket();
  const client = usePublicClient();
  const state = useMarketState().data;
  const now = useChainNow();
  const depth = useChainQuery(
    ["depth", String(state?.epoch)],
    () => readDepth(client!, config, state!.epoch),
    state !== undefined,
  ).data;
  if (state === undefined || now === undefined) return <section className="card">Reading the epoch…</section>;
  const left = state.gateClosesAt - now;
  const max = (depth ?? []).reduce((m, l) => (l.bid > m ? l.bid : l.ask > m ? l.ask : m), 1n);
  const width = (v: bigint) => `${Number((v * 100n) / max)}%`;
  return (
    <section className="card" aria-labelledby="epoch-title">
      <h2 id="epoch-title">Open epoch {String(state.epoch)}</h2>
      {state.paused && (
        <p role="alert" className="notice error">
          The market is paused: no new orders until the admin resumes it.
        </p>
      )}
      {left <= 0n && (
        <p className="notice">The gate has closed: the next order opens epoch {String(state.epoch + 1n)}.</p>
      )}
      <p className="countdown">
        Gate closes in{" "}
        <strong data-testid="countdown" aria-live="off">
          {countdown(left)}
        </strong>{" "}
        <span className="muted">
          (at {clock(state.gateClosesAt)} UTC chain time{config.accelerated ? `; ${config.accelerated}` : ""})
        </span>
      </p>
      <h3>Depth by price</h3>
      {depth === undefined || depth.length === 0 ? (
        <p className="muted">No orders in this epoch yet.</p>
      ) : (
        <table className="depth" data-testid="depth">
          <thead>
            <tr>
              <th scope="col">Bids (buy)</th>
              <th scope="col">Price</th>
              <th scope="col">Asks (sell)</th>
            </tr>
          </thead>
          <tbody>
            {depth.map((l) => (
              <tr key={String(l.price)}>
                <td className="bid">
                  <span className="bar" style={{ width: width(l.bid) }} aria-hidden="true" />
                  <span>{l.bid > 0n ? formatKwh(l.bid) : ""}</span>
                </td>
                <th scope="row">{price(info, l.price)}</th>
                <td className="ask">
                  <span className="bar" style={{ width: width(l.ask) }} aria-hidden="true" />
                  <span>{l.ask > 0n ? formatKwh(l.ask) : ""}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
