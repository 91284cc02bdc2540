// A prosumer's meters: the latest accepted reading and the GRID minted (export) and burned (import) for each.
import { useConnection, usePublicClient } from "wagmi";

import { clock, formatKwh } from "../format";
import { useChainQuery, useMarket } from "../market";
import { readMeters } from "../reads";

const kwhOfWh = (wh: bigint) => formatKwh(wh * 10n ** 15n);

export function MetersPanel() {
  const { config } = useMarket();
  const client = usePublicClient();
  const { address } = useConnection();
  const meters = useChainQuery(["meters", address], () => readMeters(client!, config, address!), !!address).data;
  if (meters === undefined || meters.length === 0) return null;
  return (
    <section className="card" aria-labelledby="meters-title">
      <h2 id="meters-title">Your meters</h2>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Meter</th>
              <th scope="col">Last reading</th>
              <th scope="col">Export / import registers</th>
              <th scope="col">GRID minted</th>
              <th scope="col">GRID burned</th>
            </tr>
          </thead>
          <tbody>
            {meters.map((m) => (
              <tr key={m.meterId}>
                <td title={m.meterId}>{m.meterId.slice(0, 10)}…</td>
                <td>{m.lastReadAt === 0n ? "none yet" : `${clock(m.lastReadAt)} UTC`}</td>
                <td>
                  {kwhOfWh(m.exportWh)} / {kwhOfWh(m.importWh)}
                </td>
                <td>{formatKwh(m.minted)}</td>
                <td>{formatKwh(m.burned)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
