// wagmi: the chain of config.json over HTTP, injected wallets discovered through EIP-6963 (wagmi's
// multiInjectedProviderDiscovery), and on local chains the development connector.
import { createConfig, http, injected } from "wagmi";

import type { AppConfig } from "./config";
import { chainOf } from "./config";
import { developmentAccount } from "./devConnector";

export function wagmiConfig(config: AppConfig) {
  const chain = chainOf(config);
  return createConfig({
    chains: [chain],
    connectors: config.local ? [injected(), developmentAccount(config.rpcUrl, config.chainId)] : [injected()],
    multiInjectedProviderDiscovery: true,
    transports: { [chain.id]: http(config.rpcUrl) },
    pollingInterval: 1_000,
  });
}

export type GridWagmiConfig = ReturnType<typeof wagmiConfig>;
