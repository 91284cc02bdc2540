// Local EVM nodes as child processes, for runs over JSON-RPC: `npx hardhat node` or anvil (from the
// `@foundry-rs/anvil` npm package), on 127.0.0.1 and a free port, with interval mining (a block every
// `blockTimeMs`, no automine) so that transactions stay pending until the next block as on a real chain.
// Start, wait, stop (SIGTERM or SIGKILL), and, for anvil, restart from a state dump.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

/** The two kinds of node a run can use. */
export const NODE_KINDS = ["hardhat", "anvil"] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** The chain id both kinds use by default (Hardhat's). */
export const LOCAL_CHAIN_ID = 31337n;

/** Parses a `--node` value. */
export function parseNodeKind(value: string): NodeKind {
  const kind = NODE_KINDS.find((k) => k === value);
  if (kind === undefined) throw new Error(`--node must be one of ${NODE_KINDS.join(", ")}, got "${value}"`);
  return kind;
}

/** A free TCP port on 127.0.0.1 (other runs may hold 8545). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

/** An error answer of a JSON-RPC endpoint. */
export class JsonRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly rpcMessage: string,
  ) {
    super(`${method}: ${rpcMessage} (code ${code})`);
  }
}

/** One JSON-RPC call over HTTP. */
export async function jsonRpc<T>(url: string, method: string, params: unknown[] = [], timeoutMs = 10_000): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: T; error?: { code: number; message: string } };
  if (body.error) throw new JsonRpcError(method, body.error.code, body.error.message);
  return body.result as T;
}

/** The anvil binary of the platform package `@foundry-rs/anvil` installs. */
export function anvilBinary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  let dir: string;
  try {
    dir = require.resolve(`${pkg}/package.json`).replace(/package\.json$/, "");
  } catch {
    throw new Error(`anvil is not installed: ${pkg} is missing from node_modules (npm ci installs it)`);
  }
  const binary = `${dir}bin/anvil`;
  if (!fs.existsSync(binary)) throw new Error(`anvil is not installed: ${binary} does not exist`);
  return binary;
}

export interface NodeOptions {
  kind: NodeKind;
  /** The project root (where `npx hardhat node` runs). */
  root: string;
  /** Interval mining: a block every this many milliseconds (anvil: whole seconds). */
  blockTimeMs: number;
  /**
   * Mine every transaction at once instead (`blockTimeMs` is then unused): for runs that move the chain's clock
   * themselves, such as the browser tests and the demo's `--serve` mode.
   */
  automine?: boolean;
  /** Kill the node when this process exits without stopping it (default false). */
  stopOnExit?: boolean;
  /** Where the node's output goes. */
  logFile: string;
  /** Port (default: a free one). */
  port?: number;
  /** anvil: the state file to load at start and dump at a clean exit. */
  stateFile?: string;
  /** How long to wait for the first answer (default 60 s: `npx hardhat node` loads the project). */
  startTimeoutMs?: number;
}

/** A running local node. */
export class LocalNode {
  private constructor(
    readonly options: NodeOptions,
    readonly port: number,
    private child: ChildProcess,
  ) {}

  get kind(): NodeKind {
    return this.options.kind;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts a node, waits until it answers with the local chain id, then turns interval mining on (or automine). */
  static async start(options: NodeOptions): Promise<LocalNode> {
    const port = options.port ?? (await freePort());
    const node = new LocalNode(options, port, LocalNode.spawn(options, port));
    if (options.stopOnExit === true) process.once("exit", () => node.kill());
    await node.waitReady(options.startTimeoutMs ?? 60_000);
    if (options.kind === "hardhat" && options.automine !== true) {
      await node.rpc("evm_setAutomine", [false]);
      await node.rpc("evm_setIntervalMining", [options.blockTimeMs]);
    }
    return node;
  }

  /** Kills the node's process group at once, synchronously (for an exiting process, or a stop that timed out). */
  private kill(): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // Already stopped.
    }
  }

  private static spawn(options: NodeOptions, port: number, mining = true): ChildProcess {
    const log = fs.openSync(options.logFile, "a");
    const stdio: ["ignore", number, number] = ["ignore", log, log];
    if (options.kind === "hardhat") {
      const env = { ...process.env, HARDHAT_NETWORK: undefined };
      const args = ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)];
      // Its own process group: npx and the node it starts are stopped together.
      return spawn("npx", args, { cwd: options.root, env, stdio, detached: true });
    }
    const seconds = Math.max(1, Math.round(options.blockTimeMs / 1000));
    const args = ["--host", "127.0.0.1", "--port", String(port)];
    if (!mining) args.push("--no-mining");
    else if (options.automine !== true) args.push("--block-time", String(seconds));
    if (options.stateFile !== undefined) {
      if (fs.existsSync(options.stateFile)) args.push("--load-state", options.stateFile);
      args.push("--dump-state", options.stateFile);
    }
    return spawn(anvilBinary(), args, { cwd: options.root, stdio, detached: true });
  }

  rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    return jsonRpc<T>(this.url, method, params);
  }

  /** Waits until the node answers `eth_chainId` with the local chain id. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.kind} node exited with code ${this.child.exitCode} (log: ${this.options.logFile})`);
      }
      try {
        if (BigInt(await this.rpc<string>("eth_chainId")) === LOCAL_CHAIN_ID) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.kind} node did not answer on ${this.url} within ${timeoutMs} ms`);
  }

  /** The latest block's timestamp. */
  async latestTimestamp(): Promise<number> {
    return Number(BigInt((await this.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp));
  }

  /** The latest block number. */
  async blockNumber(): Promise<number> {
    return Number(BigInt(await this.rpc<string>("eth_blockNumber")));
  }

  /** Mines `blocks` empty blocks `intervalSeconds` apart at once (`hardhat_mine`, which anvil also knows). */
  async mine(blocks: number, intervalSeconds: number): Promise<void> {
    await jsonRpc(this.url, "hardhat_mine", ["0x" + blocks.toString(16), "0x" + intervalSeconds.toString(16)], 180_000);
  }

  /** Moves the chain's clock `seconds` ahead and mines a block at once. */
  async increaseTime(seconds: number): Promise<void> {
    await this.rpc("evm_increaseTime", [seconds]);
    await this.rpc("evm_mine", []);
  }

  /** Stops the node (SIGTERM: anvil dumps its state; SIGKILL: a crash) and waits for it to exit. */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM", timeoutMs = 20_000): Promise<void> {
    const child = this.child;
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /**
   * anvil only: stops the node cleanly (it dumps its state to `stateFile`) and starts it again on the same port
   * from that dump. The dump keeps the blocks but not the clock offset that `evm_increaseTime` built up, so the
   * node comes back without mining, its clock is set past the last block, and interval mining resumes.
   * Returns the restart's duration in milliseconds.
   */
  async restartFromDump(): Promise<number> {
    if (this.kind !== "anvil" || this.options.stateFile === undefined) {
      throw new Error("only an anvil node started with a state file can restart from a state dump");
    }
    const started = Date.now();
    await this.stop("SIGTERM");
    if (!fs.existsSync(this.options.stateFile))
      throw new Error(`anvil left no state dump at ${this.options.stateFile}`);
    this.child = LocalNode.spawn(this.options, this.port, false);
    await this.waitReady(this.options.startTimeoutMs ?? 60_000);
    const last = await this.latestTimestamp();
    await this.rpc("evm_increaseTime", [Math.max(0, last + 1 - Math.floor(Date.now() / 1000))]);
    await this.rpc("evm_mine", []);
    if ((await this.latestTimestamp()) <= last) throw new Error("the restarted node's clock is behind its last block");
    await this.rpc("evm_setIntervalMining", [Math.max(1, Math.round(this.options.blockTimeMs / 1000))]);
    return Date.now() - started;
  }
}
