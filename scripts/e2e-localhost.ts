// End-to-end test over JSON-RPC (npm run e2e): a separate node (`npx hardhat node` or anvil) mining a block every
// second, never on demand; an Ignition deployment from the command line (resumed from its journal after a partial
// first run); the mock AMI head-end, the AMI bridge and the keeper as separate processes; participants placing
// orders concurrently from processes of their own; the operator CLI for a small market traded from market accounts;
// exact balances and readings checked from chain state and events. The node and the services are always stopped,
// and the run's deployment folder removed.
//
//   npm run e2e                                  # hardhat node (the script compiles first)
//   npm run e2e -- --node anvil                  # anvil from @foundry-rs/anvil
//   npm run e2e -- --node anvil --block-time 2000
//   E2E_KEEP_LOGS=1 npm run e2e                  # keep the run's logs (node, head-end, bridge, keeper)
//
// The real clock drives the blocks; `evm_increaseTime` moves the chain (and POST /clock the head-end) across the
// 15-minute metering interval and the epoch, which would otherwise take a quarter of an hour each.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import { assertKnown, numberArg, parseArgs, stringArg } from "../lib/args";
import { type LocalNode, parseNodeKind } from "../lib/node";
import { hardhatCommand } from "../lib/processes";
import { market } from "./e2e/market";
import {
  localhostEnv,
  logger,
  parametersFile,
  ROOT,
  runDir,
  startNode,
  type HardhatRuntime,
  loadHardhat,
} from "./e2e/stack";

const DEPLOYMENT_ID = "e2e-localhost";
const DEPLOYMENT_DIR = path.join(ROOT, "deploy", "deployments", DEPLOYMENT_ID);
const log = logger("e2e");

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["node", "block-time"]);
  const kind = parseNodeKind(stringArg(args, "node", "hardhat"));
  const blockTimeMs = numberArg(args, "block-time", 1000, { integer: true, min: 200, max: 5000 });
  const dir = runDir("e2e");
  fs.rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });

  // A hung node or command must not hold CI: fail after 4 minutes whatever happens.
  let node: LocalNode | undefined;
  const stops: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await node?.stop().catch(() => undefined);
  };
  const watchdog = setTimeout(() => {
    console.error("[e2e] FAILED: timed out after 240 s");
    void cleanUp().finally(() => process.exit(1));
  }, 240_000);
  watchdog.unref();
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let ok = false;
  try {
    log(`starting a ${kind} node (a block every ${blockTimeMs} ms), compiling meanwhile`);
    node = await startNode(kind, blockTimeMs, dir);
    log(`node answers on ${node.url}, artifacts compiled`);
    const hre = await deployAndResume(node.url, dir);
    await market({ hre, node, dir, deploymentId: DEPLOYMENT_ID, log, onStop: (stop) => stops.push(stop) });
    ok = true;
  } finally {
    await cleanUp();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    fs.rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    if (ok && !process.env.E2E_KEEP_LOGS) fs.rmSync(dir, { recursive: true, force: true });
    else log(`logs: ${dir}`);
  }
  log(`passed on ${kind}`);
}

/** Deploys the Registry alone, then the whole system under the same id: Ignition must resume from its journal. */
async function deployAndResume(url: string, dir: string): Promise<HardhatRuntime> {
  // The localhost parameters, plus the same admin delay for the standalone Registry module (JSON numbers and the
  // modules' bigint defaults differ for Ignition's reconciliation, so both runs must read the same value).
  const parameters = parametersFile(dir, {}, { Registry: { adminDelay: 0 } });
  const env = localhostEnv(url);
  const common = ["--network", "localhost", "--deployment-id", DEPLOYMENT_ID, "--parameters", parameters];

  log("ignition deploy deploy/modules/Registry.ts (a partial deployment)");
  await hardhatCommand(ROOT, ["ignition", "deploy", "deploy/modules/Registry.ts", ...common], env);
  const addressesFile = path.join(DEPLOYMENT_DIR, "deployed_addresses.json");
  const partial = JSON.parse(fs.readFileSync(addressesFile, "utf8")) as Record<string, string>;
  assert.deepEqual(Object.keys(partial), ["Registry#Registry"]);

  log("ignition deploy deploy/modules/GridMarket.ts (resumes from the journal)");
  const deploying = resumeUntilDeployed(["ignition", "deploy", "deploy/modules/GridMarket.ts", ...common], env);
  const hre = loadHardhat(url); // meanwhile: the in-process runtime the tasks will run in
  await deploying;
  log("deployed");
  const full = JSON.parse(fs.readFileSync(addressesFile, "utf8")) as Record<string, string>;
  assert.equal(full["Registry#Registry"], partial["Registry#Registry"], "the Registry was redeployed, not reused");
  for (const key of ["GridToken#GridToken", "Trading#Trading", "OracleClient#OracleClient"]) {
    assert.ok(full[key], `${key} missing from ${addressesFile}`);
  }
  const journal = fs.readFileSync(path.join(DEPLOYMENT_DIR, "journal.jsonl"), "utf8");
  const registryInits = journal
    .split("\n")
    .filter(
      (l) => l.includes('"DEPLOYMENT_EXECUTION_STATE_INITIALIZE"') && l.includes('"futureId":"Registry#Registry"'),
    );
  assert.equal(registryInits.length, 1, "the journal must hold a single Registry deployment");
  return hre;
}

/**
 * Runs an Ignition deployment; if the run stops with an error (on a loaded machine Ignition has been seen to crash
 * decoding a failed call made against a block that was still pending), runs the same command again, as an operator
 * would: Ignition resumes from its journal and does not redo what was confirmed. Three attempts at most.
 */
async function resumeUntilDeployed(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await hardhatCommand(ROOT, args, env);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      const first = (error as Error).message.split("\n").find((l) => /Error|error/.test(l)) ?? "";
      log(`ignition deploy stopped (${first.trim().slice(0, 160)}); running it again to resume from the journal`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`[e2e] FAILED: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
