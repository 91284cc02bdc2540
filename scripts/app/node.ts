// A local development node of our own on 127.0.0.1 and a free port (`hardhat node`, or anvil from the
// @foundry-rs/anvil package), for the browser tests and the demo's `--serve` mode.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "cli.js");
const ANVIL = path.join(ROOT, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

/** The local nodes we can start. Both use the well-known test mnemonic and chain id 31337. */
export type NodeKind = "hardhat" | "anvil";

function nodeCommand(kind: NodeKind, port: number): [string, string[]] {
  return kind === "anvil"
    ? [ANVIL, ["--host", "127.0.0.1", "--port", String(port)]]
    : [process.execPath, [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)]];
}

export interface LocalNode {
  url: string;
  logFile: string;
  stop(): void;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a `kind` node and resolves once it answers `eth_chainId` (within `timeoutMs`). */
export async function startLocalNode(kind: NodeKind = "hardhat", timeoutMs = 60_000): Promise<LocalNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(os.tmpdir(), `gridmarket-app-${kind}-${port}.log`);
  const log = fs.openSync(logFile, "w");
  const env = { ...process.env };
  delete env.HARDHAT_NETWORK;
  const [command, args] = nodeCommand(kind, port);
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", log, log] });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.once("exit", stop);
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited (${child.exitCode}); see ${logFile}`);
    const answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    }).catch(() => undefined);
    if (answer?.ok) return { url, logFile, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`${kind} did not answer on ${url} within ${timeoutMs} ms; see ${logFile}`);
}
