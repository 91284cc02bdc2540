// A stale or wrong config.json fails with words: the endpoint's chain and the code at Trading are checked first.
// The client stands in for the JSON-RPC endpoint (the outside world) with the two answers the check reads.
import type { PublicClient } from "viem";
import { describe, expect, it } from "vitest";

import { readMarketInfo } from "../src/reads";
import { LOCAL_CONFIG } from "./fixtures";

const CONFIG = LOCAL_CONFIG;

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
