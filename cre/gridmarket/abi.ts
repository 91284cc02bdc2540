// The OracleClient functions the workflow reads, as viem ABI fragments (the workflow cannot bundle the TypeChain
// factories). test/cre/workflowReports.test.ts checks each fragment against the compiled contract.
import { parseAbi } from "viem";

export const ORACLE_CLIENT_ABI = parseAbi([
  "function creForwarder() view returns (address)",
  "function checkUpkeep(bytes) view returns (bool upkeepNeeded, bytes performData)",
]);

/** `ITrading.Work`, in declaration order (the work kind `checkUpkeep`'s performData carries). */
export const WORK = ["None", "Match", "Settle"] as const;
