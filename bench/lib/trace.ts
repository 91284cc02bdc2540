import type { RpcDriver as Chain } from "../../lib/rpc";

interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

interface Trace {
  gas: number;
  structLogs: StructLog[];
}

/** Where a transaction's gas went: the intrinsic cost, then each opcode's own cost grouped by contract. */
export interface Breakdown {
  gasUsed: number;
  intrinsic: number;
  refund: number;
  /** `contract op [cost]` → total own gas and count, largest first. */
  rows: { contract: string; what: string; count: number; gas: number }[];
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** Storage and log opcodes are split by unit cost (cold/warm, new slot/update), the rest grouped by name. */
const BY_COST = new Set(["SSTORE", "SLOAD", "LOG0", "LOG1", "LOG2", "LOG3", "LOG4", ...CALLS]);

const SSTORE_KINDS: Record<number, string> = {
  22100: "new slot, cold (0→x)",
  20000: "new slot, warm (0→x)",
  5000: "update, cold (x→y)",
  2900: "update, warm (x→y)",
  2200: "no-op or dirty, cold",
  100: "dirty or no-op, warm",
};

/**
 * Replays `hash` with `debug_traceTransaction` and attributes every opcode's own gas (a call's own cost excludes
 * what its callee spent) to the contract executing it. `labels` names addresses.
 */
export async function breakdown(chain: Chain, hash: string, labels: Record<string, string>): Promise<Breakdown> {
  const tx = await chain.request<{ to: string; gas: string }>("eth_getTransactionByHash", [hash]);
  const { gasUsed } = await chain.receipt(hash);
  const gasLimit = Number(BigInt(tx.gas));
  const to = tx.to;
  const trace = await chain.request<Trace>("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, disableStack: false },
  ]);
  const logs = trace.structLogs;
  const name = (address: string) => labels[address.toLowerCase()] ?? address;
  const frames: string[] = [name(to)];
  const totals = new Map<string, { contract: string; what: string; count: number; gas: number }>();
  let executed = 0;
  for (let i = 0; i < logs.length; ++i) {
    const log = logs[i];
    frames.length = log.depth;
    const contract = frames[log.depth - 1];
    const next = logs[i + 1];
    let own: number;
    if (CALLS.has(log.op) && next !== undefined && next.depth > log.depth) {
      // Own cost = gas before the call − gas after it returns − what the callee consumed.
      const word = log.stack![log.stack!.length - 2];
      const target =
        "0x" +
        BigInt(word.startsWith("0x") ? word : `0x${word}`)
          .toString(16)
          .padStart(40, "0");
      frames.push(log.op === "DELEGATECALL" ? contract : name(target));
      let j = i + 1;
      while (j < logs.length && logs[j].depth > log.depth) ++j;
      const after = logs[j]?.gas ?? log.gas;
      const childGiven = next.gas;
      const childLast = logs[j - 1];
      const childUsed = childGiven - childLast.gas + childLast.gasCost;
      own = log.gas - after - childUsed;
    } else if (next !== undefined && next.depth === log.depth) {
      own = log.gas - next.gas;
    } else {
      own = log.gasCost;
    }
    executed += own;
    const unit = BY_COST.has(log.op) ? (log.op === "SSTORE" ? (SSTORE_KINDS[own] ?? `${own}`) : `${own}`) : "";
    const what = BY_COST.has(log.op) ? `${log.op} ${log.op === "SSTORE" ? unit : `@${unit}`}` : log.op;
    const key = `${contract}|${what}`;
    const row = totals.get(key) ?? { contract, what, count: 0, gas: 0 };
    row.count += 1;
    row.gas += own;
    totals.set(key, row);
  }
  const intrinsic = gasLimit - logs[0].gas;
  const refund = intrinsic + executed - gasUsed;
  const rows = [...totals.values()].sort((a, b) => b.gas - a.gas);
  return { gasUsed, intrinsic, refund, rows };
}

/** The breakdown as text: the heaviest rows, then the rest folded per contract. */
export function formatBreakdown(title: string, b: Breakdown, top = 25): string {
  const lines = [`${title}: ${b.gasUsed} gas (intrinsic ${b.intrinsic}, refund −${b.refund})`];
  for (const row of b.rows.slice(0, top)) {
    lines.push(`  ${String(row.gas).padStart(8)}  ${row.contract.padEnd(13)} ${row.what} ×${row.count}`);
  }
  const rest = new Map<string, number>();
  for (const row of b.rows.slice(top)) rest.set(row.contract, (rest.get(row.contract) ?? 0) + row.gas);
  for (const [contract, gas] of rest)
    lines.push(`  ${String(gas).padStart(8)}  ${contract.padEnd(13)} (other opcodes)`);
  return lines.join("\n");
}
