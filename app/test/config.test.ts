// config.json is checked field by field before the app starts.
import { describe, expect, it } from "vitest";

import { checkAppConfig } from "../../lib/webapp";

const VALID = {
  chainId: 31337,
  chainName: "Campus demo (hardhat node)",
  rpcUrl: "http://127.0.0.1:8545",
  local: true,
  contracts: {
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    gridToken: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    trading: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
    oracleClient: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  },
  deploymentBlock: 7,
  devAccounts: [{ address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", label: "Library — consumer" }],
};

describe("checkAppConfig", () => {
  it("accepts a config written from a deployment", () => {
    expect(checkAppConfig(VALID)).toEqual({ ...VALID, accelerated: undefined });
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
