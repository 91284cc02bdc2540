// The web app's runtime configuration (config.json): which chain, which RPC endpoint, which GridMarket contracts.
// Plain TypeScript: scripts/app/config.ts writes it from an Ignition deployment, the app (app/src) checks and reads it.

/** A participant the development connector offers on a local chain (the node signs for it). */
export interface DevAccount {
  address: string;
  label: string;
}

/** The four GridMarket contracts (the payment token is read from `Trading.paymentToken()`). */
export interface AppContracts {
  registry: string;
  gridToken: string;
  trading: string;
  oracleClient: string;
}

/** config.json. */
export interface AppConfig {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  /** A local development chain (hardhat node, anvil): the development connector is offered. */
  local: boolean;
  contracts: AppContracts;
  /** The block Trading was deployed in: where event scans start. */
  deploymentBlock: number;
  /** Accounts the development connector offers besides the node's own (e.g. the demo's campus). */
  devAccounts: DevAccount[];
  /** Set when the chain clock runs faster than real time (the demo), e.g. "1 epoch every 30 s". */
  accelerated?: string;
}

/** Chain ids of local development nodes (Hardhat, anvil, Ganache). */
export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Checks a parsed config.json and returns it typed; throws an Error that names the first bad field. */
export function checkAppConfig(value: unknown): AppConfig {
  const fail = (what: string): never => {
    throw new Error(`config.json: ${what}`);
  };
  if (value === null || typeof value !== "object") fail("not a JSON object");
  const c = value as Record<string, unknown>;
  if (!Number.isInteger(c.chainId) || (c.chainId as number) <= 0) fail("chainId must be a positive integer");
  if (typeof c.rpcUrl !== "string" || !/^https?:\/\//.test(c.rpcUrl)) fail("rpcUrl must be an http(s) URL");
  const contracts = (c.contracts ?? {}) as Record<string, unknown>;
  for (const name of ["registry", "gridToken", "trading", "oracleClient"]) {
    if (typeof contracts[name] !== "string" || !ADDRESS.test(contracts[name] as string)) {
      fail(`contracts.${name} must be an address`);
    }
  }
  const devAccounts = Array.isArray(c.devAccounts) ? (c.devAccounts as DevAccount[]) : [];
  for (const a of devAccounts)
    if (!ADDRESS.test(String(a.address))) fail(`devAccounts: ${a.address} is not an address`);
  return {
    chainId: c.chainId as number,
    chainName: typeof c.chainName === "string" ? c.chainName : `Chain ${c.chainId}`,
    rpcUrl: c.rpcUrl as string,
    local: c.local === true,
    contracts: contracts as unknown as AppContracts,
    deploymentBlock: Number(c.deploymentBlock ?? 0),
    devAccounts,
    accelerated: typeof c.accelerated === "string" ? c.accelerated : undefined,
  };
}
