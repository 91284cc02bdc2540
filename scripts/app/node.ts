// A local node for the browser tests and the demo's `--serve` mode: lib/node.ts's hardhat node or anvil on
// 127.0.0.1 and a free port, mining every transaction at once, since these runs move the chain's clock themselves
// (to a fresh epoch, past gate closure, through the demo's accelerated day).
import os from "node:os";
import path from "node:path";

import { LocalNode, type NodeKind } from "../../lib/node";

export type { LocalNode, NodeKind };

const ROOT = path.resolve(__dirname, "../..");

/** Starts a `kind` node with automine; it is killed if this process exits without stopping it. */
export function startLocalNode(kind: NodeKind = "hardhat"): Promise<LocalNode> {
  const logFile = path.join(os.tmpdir(), `gridmarket-app-${kind}-${process.pid}.log`);
  return LocalNode.start({ kind, root: ROOT, blockTimeMs: 1_000, automine: true, stopOnExit: true, logFile });
}
