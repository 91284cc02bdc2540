// Loads config.json (written from the Ignition deployment by scripts/app/config.ts, or served by the demo) and
// describes its chain to viem.
import { defineChain } from "viem";

import { type AppConfig, checkAppConfig } from "../../lib/webapp";

export type { AppConfig };

/** Fetches and checks config.json next to the page. */
export async function loadConfig(url = "./config.json"): Promise<AppConfig> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(
      `${url}: HTTP ${response.status}. Write it with \`npm run app:config\` (from an Ignition deployment), ` +
        "or run the app through `npm run demo -- --serve`.",
    );
  }
  return checkAppConfig(await response.json());
}

/** The viem chain of `config`. */
export function chainOf(config: AppConfig) {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    testnet: true,
  });
}
