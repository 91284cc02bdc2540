// Connecting: the injected wallets the browser announces (EIP-6963), and on local chains the development
// connector with the node's test accounts and the campus participants of config.json.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { getAddress } from "viem";
import { useConnect, useConnection, useConnectors, useDisconnect } from "wagmi";

import type { AppConfig } from "../config";
import { DEV_CONNECTOR_ID, devAccount, jsonRpc } from "../devConnector";

export const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** The accounts the development connector offers: config.json's labelled ones, then the node's own. */
function useDevAccounts(config: AppConfig) {
  return useQuery({
    queryKey: ["devAccounts"],
    enabled: config.local,
    queryFn: async () => {
      const node = ((await jsonRpc(config.rpcUrl, "eth_accounts")) as string[]).map((a) => getAddress(a));
      const labelled = config.devAccounts.map((a) => ({ address: getAddress(a.address), label: a.label }));
      const known = new Set(labelled.map((a) => a.address));
      return [
        ...labelled,
        ...node.filter((a) => !known.has(a)).map((a, i) => ({ address: a, label: `Node test account #${i}` })),
      ];
    },
  });
}

export function Connect({ config }: { config: AppConfig }) {
  const { address, connector, isConnected } = useConnection();
  const connectors = useConnectors();
  const { mutate: connect, error, isPending } = useConnect();
  const { mutate: disconnect } = useDisconnect();
  const devAccounts = useDevAccounts(config);
  const [choice, setChoice] = useState("");

  if (isConnected && address !== undefined) {
    const dev = connector?.id === DEV_CONNECTOR_ID;
    return (
      <div className="connect">
        <span className="account" data-testid="connected-account">
          {dev && <span className="badge dev">development account — local chains only</span>}
          <span title={address}>{short(address)}</span>
        </span>
        <button type="button" onClick={() => disconnect()}>
          Disconnect
        </button>
      </div>
    );
  }

  // Wallets announced through EIP-6963; a wallet that only sets window.ethereum shows as wagmi's generic connector.
  const announced = connectors.filter((c) => c.id !== DEV_CONNECTOR_ID && c.id !== "injected");
  const legacy = "ethereum" in window ? connectors.filter((c) => c.id === "injected") : [];
  const injected = announced.length > 0 ? announced : legacy;
  const dev = connectors.find((c) => c.id === DEV_CONNECTOR_ID);
  const options = devAccounts.data ?? [];
  const selected = choice || options[0]?.address || "";
  return (
    <div className="connect">
      {injected.length === 0 && !config.local && <span>No browser wallet found.</span>}
      {injected.map((c) => (
        <button type="button" key={c.uid} onClick={() => connect({ connector: c })} disabled={isPending}>
          {c.icon && <img src={c.icon} alt="" width={16} height={16} />} {c.name}
        </button>
      ))}
      {dev && (
        <form
          className="dev-connect"
          onSubmit={(e) => {
            e.preventDefault();
            devAccount.set(selected);
            connect({ connector: dev });
          }}
        >
          <label htmlFor="dev-account">
            Development account <span className="badge dev">local chains only</span>
          </label>
          <select id="dev-account" value={selected} onChange={(e) => setChoice(e.target.value)}>
            {options.map((a) => (
              <option key={a.address} value={a.address}>
                {a.label} ({short(a.address)})
              </option>
            ))}
          </select>
          <button type="submit" disabled={isPending || selected === ""}>
            Connect
          </button>
        </form>
      )}
      {error && (
        <span role="alert" className="notice error">
          {error.message}
        </span>
      )}
    </div>
  );
}
