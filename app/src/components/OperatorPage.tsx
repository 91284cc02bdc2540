// Operators (read-only): the clearing work pending and the last upkeep, the oracle's funds and rewards, the pause
// state of each contract, recent epochs, users and their meters.
import { formatEther } from "viem";
import { usePublicClient } from "wagmi";

import { EPOCH_STATUSES, USER_STATUSES, WORK } from "../../../lib/enums";
import { clock, formatKwh, meterLabel, price } from "../format";
import { useChainQuery, useMarket } from "../market";
import { readAssignedMeters, readOperator, readRecentEpochs, readUsers } from "../reads";
import { userTypeName } from "../revert";
import { short } from "./Connect";
import { Table } from "./Table";

const CONTRACT_NAMES = {
  registry: "Registry",
  gridToken: "GridToken",
  oracleClient: "OracleClient",
  trading: "Trading",
} as const;

export function OperatorPage() {
  const { config, info } = useMarket();
  const client = usePublicClient()!;
  const op = useChainQuery(["operator"], () => readOperator(client, config)).data;
  const epochs = useChainQuery(["recentEpochs"], () => readRecentEpochs(client, config, 12)).data;
  const users = useChainQuery(["users"], () => readUsers(client, config)).data;
  const meters = useChainQuery(["assignedMeters"], () => readAssignedMeters(client, config)).data;
  return (
    <div className="grid">
      <section className="card" aria-labelledby="work-title">
        <h2 id="work-title">Clearing</h2>
        {op && (
          <dl data-testid="operator-clearing">
            <dt>Pending work</dt>
            <dd data-testid="pending-work">
              {op.work === 0 ? "None" : `${WORK[op.work]} epoch ${String(op.workEpoch)}`}
            </dd>
            <dt>Automatic clearing</dt>
            <dd>{op.autoMarketClearing ? "On" : "Off"}</dd>
            <dt>Last upkeep</dt>
            <dd data-testid="last-upkeep">
              {op.lastUpkeep
                ? `${WORK[op.lastUpkeep.work]} epoch ${String(op.lastUpkeep.epoch)} by ${short(op.lastUpkeep.by)} in block ${String(op.lastUpkeep.block)}`
                : "None yet"}
            </dd>
            <dt>Last market check</dt>
            <dd>{op.lastMarketCheck === 0n ? "Never" : new Date(Number(op.lastMarketCheck) * 1000).toISOString()}</dd>
          </dl>
        )}
      </section>
      <section className="card" aria-labelledby="oracle-title">
        <h2 id="oracle-title">Oracle and pauses</h2>
        {op && (
          <dl>
            <dt>Oracle balance</dt>
            <dd data-testid="oracle-balance">{formatEther(op.oracleBalance)} ETH</dd>
            <dt>Rewards owed to operators</dt>
            <dd>{formatEther(op.totalAccruedRewards)} ETH</dd>
            <dt>Reward per reading</dt>
            <dd>{formatEther(op.rewardPerReading)} ETH</dd>
            {Object.entries(op.paused).map(([name, paused]) => (
              <div key={name} className="pair">
                <dt>{CONTRACT_NAMES[name as keyof typeof CONTRACT_NAMES]}</dt>
                <dd className={paused ? "notice error" : ""}>{paused ? "Paused" : "Running"}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section className="card wide" aria-labelledby="epochs-title">
        <h2 id="epochs-title">Recent epochs</h2>
        {epochs && epochs.length === 0 && <p className="muted">No epoch has received orders yet.</p>}
        {epochs && epochs.length > 0 && (
          <Table
            testId="recent-epochs"
            headers={["Epoch", "Status", "Orders", "Price", "Volume"]}
            rows={epochs}
            rowKey={(e) => String(e.epoch)}
            cells={(e) => [
              String(e.epoch),
              EPOCH_STATUSES[e.status ?? 0],
              String(e.orders),
              e.volume > 0n ? price(info, e.clearingPrice) : "—",
              formatKwh(e.volume),
            ]}
          />
        )}
      </section>
      <section className="card wide" aria-labelledby="users-title">
        <h2 id="users-title">Users and meters</h2>
        {users && (
          <Table
            testId="users"
            headers={["Account", "Type", "Status", "Location", "Meters"]}
            rows={users}
            rowKey={(u) => u.account}
            cells={(u) => [
              <span title={u.account}>{short(u.account)}</span>,
              userTypeName(u.userType),
              USER_STATUSES[u.status],
              u.location,
              u.meters,
            ]}
          />
        )}
        {meters && meters.length > 0 && (
          <Table
            testId="assigned-meters"
            headers={["Meter", "Owner", "Last reading"]}
            rows={meters}
            rowKey={(m) => m.meterId}
            cells={(m) => [
              <span title={m.meterId}>{meterLabel(m.meterId)}</span>,
              <span title={m.owner}>{short(m.owner)}</span>,
              m.lastReadAt === 0n ? "none yet" : `${clock(m.lastReadAt)} UTC`,
            ]}
          />
        )}
      </section>
    </div>
  );
}
