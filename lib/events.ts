// Event scans over block ranges that public RPC endpoints accept: fixed-size chunks, halved when an endpoint
// refuses a range, with a callback after every chunk so that a service can save its cursor as it goes (a scan
// cut short by an outage resumes where it stopped instead of starting over).
import type { BaseContract, ContractEventName, EventLog, Log } from "ethers";

/** Blocks per eth_getLogs request (public RPCs cap the range; override with GRIDMARKET_LOG_CHUNK). */
export function logChunk(): number {
  const value = Number(process.env.GRIDMARKET_LOG_CHUNK ?? "10000");
  return Number.isInteger(value) && value > 0 ? value : 10000;
}

/** Options of {@link scanEvents}. */
export interface ScanOptions {
  /** Blocks per request at first (default {@link logChunk}). */
  chunk?: number;
  /** Called after each chunk with its decoded events and its last block, before the next request. */
  onChunk?: (events: EventLog[], toBlock: number) => void | Promise<void>;
}

/** What a scan covered. */
export interface ScanResult {
  events: EventLog[];
  /** eth_getLogs requests sent (refused ones included). */
  requests: number;
  /** Requests the endpoint refused, each followed by a retry over half the range. */
  refused: number;
}

/**
 * `contract.queryFilter(filter)` over `fromBlock..toBlock` in chunks; decoded events only. A refused request (a
 * range cap, a dropped connection) is retried over half the range, down to a single block; a single block
 * that still fails throws, after `onChunk` has seen everything before it.
 */
export async function scanEvents(
  contract: BaseContract,
  filter: ContractEventName,
  fromBlock: number,
  toBlock: number,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const result: ScanResult = { events: [], requests: 0, refused: 0 };
  let chunk = options.chunk ?? logChunk();
  for (let start = fromBlock; start <= toBlock;) {
    const end = Math.min(toBlock, start + chunk - 1);
    let logs: (EventLog | Log)[];
    result.requests++;
    try {
      logs = await contract.queryFilter(filter, start, end);
    } catch (error) {
      if (end === start) throw error;
      result.refused++;
      chunk = Math.max(1, Math.floor((end - start + 1) / 2));
      continue;
    }
    const events = logs.filter((log): log is EventLog => "args" in log);
    result.events.push(...events);
    await options.onChunk?.(events, end);
    start = end + 1;
  }
  return result;
}

/** `contract.queryFilter(filter)` from `fromBlock` to the latest block, in chunks; decoded events only. */
export async function queryEvents(
  contract: BaseContract,
  filter: ContractEventName,
  fromBlock: number,
): Promise<EventLog[]> {
  const provider = contract.runner?.provider;
  if (!provider) throw new Error("the contract has no provider");
  return (await scanEvents(contract, filter, fromBlock, await provider.getBlockNumber())).events;
}
