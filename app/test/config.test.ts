// config.json is checked field by field before the app starts.
import { describe, expect, it } from "vitest";

import { checkAppConfig } from "../../lib/webapp";
import { LOCAL_CONFIG } from "./fixtures";

const VALID = LOCAL_CONFIG;

describe("checkAppConfig", () => {
  it("accepts a config written from a deployment", () => {
    expect(checkAppConfig({ ...VALID, chainName: "Campus demo (hardhat node)" })).toEqual({
      ...VALID,
      chainName: "Campus demo (hardhat node)",
      accelerated: undefined,
    });
  });

  it.each([
    [null, "config.json: not a JSON object"],
    [{ ...VALID, chainId: 0 }, "config.json: chainId must be a positive integer"],
    [{ ...VALID, rpcUrl: "ws://127.0.0.1:8545" }, "config.json: rpcUrl must be an http(s) URL"],
    [
      { ...VALID, contracts: { ...VALID.contracts, trading: "0x1234" } },
      "config.json: contracts.trading must be an address",
    ],
    [
      { ...VALID, devAccounts: [{ address: "alice", label: "A" }] },
      "config.json: devAccounts: alice is not an address",
    ],
  ])("refuses %j", (value, message) => {
    expect(() => checkAppConfig(value)).toThrow(message);
  });
});
