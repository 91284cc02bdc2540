// The pieces of a run over JSON-RPC, shared by the end-to-end test and the soak: a local node (hardhat or anvil,
// interval mining), the compiled project, an Ignition deployment made from the command line, Hardhat loaded in
// this process against the node (to check chain state), and the services as separate processes: the mock AMI
// head-end, the AMI bridge and the keeper.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { AmiClient } from "../../lib/bridge/ami-client";
import { LocalNode, type NodeKind } from "../../lib/node";
import { hardhatCommand, Service } from "../../lib/processes";

export const ROOT = path.resolve(__dirname, "..", "..");

/** A run's logger: elapsed seconds and a tag. */
export function logger(tag: string): (message: string) => void {
  const started = Date.now();
  return (message) => console.log(`[${tag} +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `everyMs` until it holds; throws `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A temporary folder for a run's logs, state files and parameters. */
export function runDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gridmarket-${tag}-`));
}

/** Starts the node and compiles the project meanwhile. */
export async function startNode(
  kind: NodeKind,
  blockTimeMs: number,
  dir: string,
  stateFile?: string,
): Promise<LocalNode> {
  const [node] = await Promise.all([
    LocalNode.start({ kind, root: ROOT, blockTimeMs, logFile: path.join(dir, `${kind}.log`), stateFile }),
    hardhatCommand(ROOT, ["compile", "--quiet"], { ...process.env, HARDHAT_NETWORK: undefined }),
  ]);
  return node;
}

/** The environment of a command that talks to `url` as the `localhost` network. */
export function localhostEnv(url: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LOCALHOST_RPC_URL: url,
    HARDHAT_NETWORK: "localhost",
    GRIDMARKET_IGNITION_CONFIRMATIONS: "1",
  };
}

export type HardhatRuntime = typeof import("hardhat");

/** Loads Hardhat in this process, bound to `url` as the `localhost` network. */
export function loadHardhat(url: string): HardhatRuntime {
  Object.assign(process.env, { LOCALHOST_RPC_URL: url, HARDHAT_NETWORK: "localhost" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntime;
  if (hre.network.name !== "localhost") throw new Error(`Hardhat loaded on ${hre.network.name}, not localhost`);
  return hre;
}

/** The localhost Ignition parameters with `overrides` in the GridMarket namespace, written to a file in `dir`. */
export function parametersFile(dir: string, overrides: Record<string, unknown>, extra: object = {}): string {
  const localhost = JSON.parse(fs.readFileSync(path.join(ROOT, "deploy/parameters/localhost.json"), "utf8")) as {
    GridMarket: Record<string, unknown>;
  };
  const file = path.join(dir, "parameters.json");
  fs.writeFileSync(
    file,
    JSON.stringify({ ...localhost, ...extra, GridMarket: { ...localhost.GridMarket, ...overrides } }),
  );
  return file;
}

/** The mock AMI head-end as a process on a free port, its clock set by the run (`POST /clock`). */
export async function startHeadEnd(
  dir: string,
  port: number,
  options: { start: number; prosumers: number; consumers: number; seed?: number },
): Promise<{ service: Service; client: AmiClient; url: string }> {
  const url = `http://127.0.0.1:${port}`;
  const args = [
    "ts-node",
    "--transpile-only",
    "scripts/ami/main.ts",
    ...["--port", String(port), "--clock", "manual", "--start", String(options.start)],
    ...["--prosumers", String(options.prosumers), "--consumers", String(options.consumers)],
    ...["--seed", String(options.seed ?? 7)],
  ];
  const service = new Service("head-end", ROOT, args, process.env, path.join(dir, "head-end.log"));
  service.start();
  const client = new AmiClient(url, { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 });
  await waitFor(
    "the head-end",
    () =>
      client.health().then(
        () => true,
        () => false,
      ),
    60_000,
  );
  return { service, client, url };
}

export interface ServiceSettings {
  dir: string;
  /** The endpoint the service talks to (the node, or a proxy in front of it). */
  rpcUrl: string;
  deploymentId: string;
  /** The account it sends from. */
  from: string;
  /** Seconds without a receipt before a transaction is replaced with higher fees. */
  stuckAfter: number;
}

/** `npx hardhat gridmarket:bridge` as a service, polling every second. */
export function bridgeService(
  settings: ServiceSettings,
  amiUrl: string,
  name = "bridge",
  extra: string[] = [],
): Service {
  const args = [
    "hardhat",
    "gridmarket:bridge",
    ...["--network", "localhost", "--deployment-id", settings.deploymentId, "--from", settings.from],
    ...["--ami", amiUrl, "--interval", "1", "--stuck-after", String(settings.stuckAfter)],
    ...["--state", path.join(settings.dir, `${name}-state.json`)],
    ...extra,
  ];
  return new Service(name, ROOT, args, localhostEnv(settings.rpcUrl), path.join(settings.dir, `${name}.log`));
}

/** `npx hardhat gridmarket:keeper` as a service, checking every second. */
export function keeperService(settings: ServiceSettings, name = "keeper"): Service {
  const args = [
    "hardhat",
    "gridmarket:keeper",
    ...["--network", "localhost", "--deployment-id", settings.deploymentId, "--from", settings.from],
    ...["--interval", "1", "--stuck-after", String(settings.stuckAfter), "--max-retries", "100", "--max-backoff", "2"],
  ];
  return new Service(name, ROOT, args, localhostEnv(settings.rpcUrl), path.join(settings.dir, `${name}.log`));
}
