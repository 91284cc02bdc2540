// The OracleClient as the workflow sees it through the EVM capability: two reads (the forwarder it accepts, and
// `checkUpkeep`, which asks `Trading.pendingEpochWork()` and also honours pause and automatic clearing) and the
// report writes.
import {
  bytesToHex,
  cre,
  encodeCallMsg,
  getNetwork,
  LAST_FINALIZED_BLOCK_NUMBER,
  LATEST_BLOCK_NUMBER,
  prepareReportRequest,
  type Runtime,
  TxStatus,
} from "@chainlink/cre-sdk";
import { type Address, decodeAbiParameters, decodeFunctionResult, encodeFunctionData, type Hex } from "viem";

import { ORACLE_CLIENT_ABI, WORK } from "./abi";

export interface PendingWork {
  work: (typeof WORK)[number];
  epoch: bigint;
}

export type EvmClient = InstanceType<typeof cre.capabilities.EVMClient>;

/** The EVM capability of the chain named `chainSelectorName` ("ethereum-testnet-sepolia"). */
export function evmClient(chainSelectorName: string): EvmClient {
  const network = getNetwork({ chainFamily: "evm", chainSelectorName });
  if (network === undefined) throw new Error(`unknown CRE chain selector name "${chainSelectorName}"`);
  return new cre.capabilities.EVMClient(network.chainSelector.selector);
}
type Confidence = "latest" | "finalized";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

function call(runtime: Runtime<unknown>, evm: EvmClient, oracle: Address, data: Hex, confidence: Confidence): Hex {
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({ from: ZERO_ADDRESS, to: oracle, data }),
      blockNumber: confidence === "latest" ? LATEST_BLOCK_NUMBER : LAST_FINALIZED_BLOCK_NUMBER,
    })
    .result();
  return bytesToHex(reply.data);
}

/** The forwarder the OracleClient accepts reports from. */
export function readForwarder(runtime: Runtime<unknown>, evm: EvmClient, oracle: Address, confidence: Confidence) {
  const data = encodeFunctionData({ abi: ORACLE_CLIENT_ABI, functionName: "creForwarder" });
  const out = call(runtime, evm, oracle, data, confidence);
  return decodeFunctionResult({ abi: ORACLE_CLIENT_ABI, functionName: "creForwarder", data: out });
}

/** The clearing work a clearing report would do now, or undefined when there is none. */
export function readPendingWork(
  runtime: Runtime<unknown>,
  evm: EvmClient,
  oracle: Address,
  confidence: Confidence,
): PendingWork | undefined {
  const data = encodeFunctionData({ abi: ORACLE_CLIENT_ABI, functionName: "checkUpkeep", args: ["0x"] });
  const out = call(runtime, evm, oracle, data, confidence);
  const [needed, performData] = decodeFunctionResult({
    abi: ORACLE_CLIENT_ABI,
    functionName: "checkUpkeep",
    data: out,
  });
  if (!needed) return undefined;
  const [work, epoch] = decodeAbiParameters([{ type: "uint8" }, { type: "uint256" }], performData);
  const name = WORK[work];
  if (name === undefined || name === "None") throw new Error(`checkUpkeep returned an unknown work kind ${work}`);
  return { work: name, epoch };
}

/** Has the DON sign `payload` and writes it to the OracleClient; returns the transaction hash. Throws when the
 * transaction or the OracleClient's `onReport` failed. */
export function writeReport(
  runtime: Runtime<unknown>,
  evm: EvmClient,
  oracle: Address,
  payload: Hex,
  gasLimit: string,
): Hex {
  const report = runtime.report(prepareReportRequest(payload)).result();
  const reply = evm.writeReport(runtime, { receiver: oracle, report, gasConfig: { gasLimit } }).result();
  if (reply.txStatus !== TxStatus.SUCCESS) {
    throw new Error(`report to ${oracle} failed: ${reply.errorMessage || TxStatus[reply.txStatus]}`);
  }
  // 0 = SUCCESS, 1 = REVERTED (the forwarder catches a revert of onReport and records the delivery as failed).
  if (reply.receiverContractExecutionStatus !== undefined && reply.receiverContractExecutionStatus !== 0) {
    throw new Error(`OracleClient.onReport reverted (transaction ${bytesToHex(reply.txHash ?? new Uint8Array())})`);
  }
  return bytesToHex(reply.txHash ?? new Uint8Array(32));
}
