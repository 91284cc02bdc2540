// The bridge's persistent state: per meter, the `readAt` of the last reading it submitted, and the data
// requests it still has to answer. Written atomically (temporary file + fsync + rename), so a crash leaves
// either the old or the new state, never a torn file.

import fs from "node:fs";
import path from "node:path";

export interface BridgeState {
  version: 1;
  chainId: string;
  oracle: string;
  /** meterId (bytes32 hex) => readAt of the last reading submitted for it. */
  meters: Record<string, number>;
  /** The last block scanned for `EnergyDataRequested` events. */
  lastScannedBlock: number;
  /** Request ids seen and not yet answered (or found expired / already answered). */
  pendingRequests: string[];
  updatedAt: number;
}

export function emptyState(chainId: bigint, oracle: string, fromBlock: number): BridgeState {
  return {
    version: 1,
    chainId: chainId.toString(),
    oracle: oracle.toLowerCase(),
    meters: {},
    lastScannedBlock: fromBlock - 1,
    pendingRequests: [],
    updatedAt: 0,
  };
}

/** Loads the state at `file`, or undefined when there is none. Refuses a state of another chain or oracle. */
export function loadState(file: string, chainId: bigint, oracle: string): BridgeState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as BridgeState;
  if (state.version !== 1) throw new Error(`${file}: unsupported state version ${String(state.version)}`);
  if (state.chainId !== chainId.toString() || state.oracle !== oracle.toLowerCase()) {
    throw new Error(
      `${file} belongs to oracle ${state.oracle} on chain ${state.chainId}, not ${oracle.toLowerCase()} on ${chainId}; ` +
        "use another --state file",
    );
  }
  return state;
}

/** Writes `state` to `file` atomically. */
export function saveState(file: string, state: BridgeState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, JSON.stringify({ ...state, updatedAt: Math.floor(Date.now() / 1000) }, null, 2) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
