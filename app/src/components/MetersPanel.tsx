// A prosumer's meters: the latest accepted reading and the GRID minted (export) and burned (import) for each.
import { useConnection, usePublicClient } from "wagmi";

import { clock, formatKwh, meterLabel } from "../format";
import { useChainQuery, useMarket } from "../market";
import { readMeters } from "../reads";
import { Table } from "./Table";

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
      <Table
        testId="meters"
        headers={["Meter", "Last reading", "Export / import registers", "GRID minted", "GRID burned"]}
        rows={meters}
        rowKey={(m) => m.meterId}
        cells={(m) => [
          <span title={m.meterId}>{meterLabel(m.meterId)}</span>,
          m.lastReadAt === 0n ? "none yet" : `${clock(m.lastReadAt)} UTC`,
          `${kwhOfWh(m.exportWh)} / ${kwhOfWh(m.importWh)}`,
          formatKwh(m.minted),
          formatKwh(m.burned),
        ]}
      />
    </section>
  );
}
