// The last day of clearing: price (line) and volume (bars) per epoch, as an SVG with a text alternative.
import { usePublicClient } from "wagmi";

import { formatDecimal } from "../../../lib/quantities";
import { formatKwh, price } from "../format";
import { useChainQuery, useMarket, useMarketState } from "../market";
import { readClearingHistory } from "../reads";

const W = 640;
const H = 200;
const PAD = 36;

export function PriceChart() {
  const { config, info } = useMarket();
  const client = usePublicClient();
  const state = useMarketState().data;
  const perDay = 86_400n / info.epochLength;
  const since = state === undefined || state.epoch < perDay ? 0n : state.epoch - perDay;
  const history = useChainQuery(["history", String(since)], () => readClearingHistory(client!, config, since)).data;
  const points = history ?? [];
  const traded = points.filter((p) => p.volume > 0n);
  const maxPrice = traded.reduce((m, p) => (p.clearingPrice > m ? p.clearingPrice : m), info.tickSize);
  const maxVolume = points.reduce((m, p) => (p.volume > m ? p.volume : m), 1n);
  const first = state === undefined ? 0n : since;
  const span = Number(perDay);
  const x = (epoch: bigint) => PAD + ((Number(epoch - first) + 0.5) / span) * (W - 2 * PAD);
  const yPrice = (p: bigint) => H - PAD - (Number(p) / Number(maxPrice)) * (H - 2 * PAD);
  const barH = (v: bigint) => (Number(v) / Number(maxVolume)) * (H - 2 * PAD);
  const last = traded.at(-1);
  return (
    <section className="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Last day of clearing</h2>
      {traded.length === 0 ? (
        <p className="muted">No epoch has cleared a trade in the last day yet.</p>
      ) : (
        <>
          <p>
            Last clearing: epoch {String(last!.epoch)} at <strong>{price(info, last!.clearingPrice)}</strong>,{" "}
            {formatKwh(last!.volume)} traded. {traded.length} {traded.length === 1 ? "epoch" : "epochs"} traded in the
            last day.
          </p>
          <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Clearing price and volume per epoch over the last day">
            <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
            {points.map((p) => (
              <rect
                key={String(p.epoch)}
                x={x(p.epoch) - 2}
                y={H - PAD - barH(p.volume)}
                width={4}
                height={barH(p.volume)}
                className="volume"
              />
            ))}
            <polyline
              className="price"
              points={traded.map((p) => `${x(p.epoch)},${yPrice(p.clearingPrice)}`).join(" ")}
            />
            {traded.map((p) => (
              <circle key={String(p.epoch)} cx={x(p.epoch)} cy={yPrice(p.clearingPrice)} r={3} className="point" />
            ))}
            <text x={4} y={PAD - 8} className="label">
              {formatDecimal(maxPrice, info.payment.decimals)} {info.payment.symbol}/kWh
            </text>
            <text x={W - PAD} y={PAD - 8} className="label" textAnchor="end">
              bars: volume (max {formatKwh(maxVolume)})
            </text>
          </svg>
        </>
      )}
    </section>
  );
}
