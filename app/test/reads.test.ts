// A stale or wrong config.json fails with words: the endpoint's chain and the code at Trading are checked first.
// The client stands in for the JSON-RPC endpoint (the outside world) with the two answers the check reads.
import type { PublicClient } from "viem";
import { describe, expect, it } from "vitest";

import type { AppConfig } from "../src/config";
import { readMarketInfo } from "../src/reads";

const CONFIG: AppConfig = {
  chainId: 31337,
  chainName: "Local development chain",
  rpcUrl: "http://127.0.0.1:8545",
  local: true,
  contracts: {
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    gridToken: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    trading: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
    oracleClient: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  },
  deploymentBlock: 1,
  devAccounts: [],
};

const endpoint = (chainId: number, code: string | undefined) =>
  ({ getChainId: async () => chainId, getCode: async () => code }) as unknown as PublicClient;

describe("readMarketInfo", () => {
  it("refuses an endpoint that serves another chain", async () => {
    await expect(readMarketInfo(endpoint(11155111, "0x6080"), CONFIG)).rejects.toThrow(
      "http://127.0.0.1:8545 serves chain 11155111, but config.json describes chain 31337.",
    );
  });

  it("refuses a Trading address without code (a restarted node)", async () => {
    await expect(readMarketInfo(endpoint(31337, undefined), CONFIG)).rejects.toThrow(
      "no contract at 0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0 on chain 31337: was the node restarted since the " +
        "deployment? Deploy again and rewrite config.json (npm run app:config).",
    );
  });
});
