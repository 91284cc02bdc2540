// The development connector: on a local chain (hardhat node, anvil) the node itself signs for its well-known test
// accounts (and for accounts it impersonates, such as the demo's campus), so the app sends eth_sendTransaction
// straight to it. Never offered on other chains; the UI marks it "development account — local chains only".
import { createConnector } from "wagmi";
import { type Address, type EIP1193Provider, getAddress, numberToHex } from "viem";

const STORAGE_KEY = "gridmarket.devAccount";

/** Sends one JSON-RPC request to `url`; an error answer throws with the node's message and revert data. */
export async function jsonRpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as {
    result?: unknown;
    error?: { code: number; message: string; data?: unknown };
  };
  if (body.error !== undefined) {
    throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
  }
  return body.result;
}

/** The account the next connection uses (the UI's choice, remembered across reloads). */
export const devAccount = {
  get(): Address | undefined {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return stored ? getAddress(stored) : undefined;
  },
  set(address: string | undefined): void {
    if (address === undefined) globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, getAddress(address));
  },
};

export const DEV_CONNECTOR_ID = "gridmarket-dev";

/** A wagmi connector over the node at `rpcUrl` of chain `chainId`, sending as {@link devAccount}. */
export function developmentAccount(rpcUrl: string, chainId: number) {
  const selected = (): Address => {
    const address = devAccount.get();
    if (address === undefined) throw new Error("choose a development account first");
    return address;
  };
  const provider = {
    async request({ method, params }: { method: string; params?: unknown }) {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [selected()];
      if (method === "eth_chainId") return numberToHex(chainId);
      return jsonRpc(rpcUrl, method, (params as unknown[] | undefined) ?? []);
    },
    on() {},
    removeListener() {},
  } as unknown as EIP1193Provider;

  return createConnector<EIP1193Provider>((config) => ({
    id: DEV_CONNECTOR_ID,
    name: "Development account — local chains only",
    type: "development",
    async connect<withCapabilities extends boolean = false>() {
      const accounts = [selected()];
      config.emitter.emit("change", { accounts });
      return { accounts: accounts as never as withCapabilities extends true ? never : readonly Address[], chainId };
    },
    async disconnect() {
      devAccount.set(undefined);
    },
    async getAccounts() {
      return [selected()];
    },
    async getChainId() {
      return chainId;
    },
    async getProvider() {
      return provider;
    },
    async isAuthorized() {
      return devAccount.get() !== undefined;
    },
    onAccountsChanged(accounts) {
      config.emitter.emit("change", { accounts: accounts.map((a) => getAddress(a)) });
    },
    onChainChanged() {},
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
  }));
}
