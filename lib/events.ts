// Event scans over block ranges that public RPC endpoints accept.
import type { BaseContract, ContractEventName, EventLog, Log } from "ethers";

/** Blocks per eth_getLogs request (public RPCs cap the range; override with GRIDMARKET_LOG_CHUNK). */
export function logChunk(): number {
  const value = Number(process.env.GRIDMARKET_LOG_CHUNK ?? "10000");
  return Number.isInteger(value) && value > 0 ? value : 10000;
}

/** `contract.queryFilter(filter)` from `fromBlock` to the latest block, in chunks; decoded events only. */
export async function queryEvents(
  contract: BaseContract,
  filter: ContractEventName,
  fromBlock: number,
): Promise<EventLog[]> {
  const provider = contract.runner?.provider;
  if (!provider) throw new Error("the contract has no provider");
  const latest = await provider.getBlockNumber();
  const chunk = logChunk();
  const out: EventLog[] = [];
  for (let start = fromBlock; start <= latest; start += chunk) {
    const end = Math.min(latest, start + chunk - 1);
    const logs: (EventLog | Log)[] = await contract.queryFilter(filter, start, end);
    for (const log of logs) if ("args" in log) out.push(log);
  }
  return out;
}
