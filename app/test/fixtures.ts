// A config.json as scripts/app/config.ts writes it for a local deployment (the addresses Ignition gives on a
// fresh hardhat node), shared by the tests.
import type { AppConfig } from "../src/config";

export const LOCAL_CONFIG: AppConfig = {
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
  deploymentBlock: 7,
  devAccounts: [{ address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", label: "Library — consumer" }],
};
