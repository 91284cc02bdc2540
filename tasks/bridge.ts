// gridmarket:bridge — the AMI bridge as an operator service: polls the campus head-end's HTTP API, submits new
// meter readings to the OracleClient in batches (meter-signed ones through submitSignedReadings when their keys
// are given) and answers EnergyDataRequested events, with retries and a crash-safe state file. Runs until
// Ctrl-C, or one round with --once. The service lives in lib/bridge/; this task wires it to a deployment.
import fs from "node:fs";
import path from "node:path";

import { Wallet } from "ethers";
import { task, types } from "hardhat/config";

import { type CommonArgs, setup, withCommonParams } from "./common";
import { CliError, ensure } from "../lib/errors";
import { say } from "../lib/output";

interface BridgeArgs extends CommonArgs {
  ami: string;
  state?: string;
  interval: number;
  once: boolean;
  batchSize: number;
  meterKeys?: string;
  fromBlock?: number;
  stuckAfter: number;
  amiTimeout: number;
}

/** Reads `{ "<meter serial>": "0x<private key>", ... }`: the keys meters sign their readings with. */
export function readMeterKeys(file: string): Map<string, Wallet> {
  ensure(fs.existsSync(file), `--meter-keys: ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new CliError(`--meter-keys: ${file} is not JSON`);
  }
  ensure(
    typeof parsed === "object" && parsed !== null && !Array.isArray(parsed),
    `--meter-keys: ${file} must map serials to keys`,
  );
  const keys = new Map<string, Wallet>();
  for (const [serial, key] of Object.entries(parsed as Record<string, unknown>)) {
    ensure(
      typeof key === "string" && /^0x[0-9a-fA-F]{64}$/.test(key),
      `--meter-keys: the key of ${serial} is not a 32-byte hex key`,
    );
    keys.set(serial, new Wallet(key));
  }
  return keys;
}

withCommonParams(
  task(
    "gridmarket:bridge",
    "Runs the AMI bridge: head-end readings in, OracleClient batches and request fulfilments out",
  )
    .addOptionalParam("ami", "Base URL of the AMI head-end", "http://127.0.0.1:8787")
    .addOptionalParam("state", "State file (default scripts/bridge/state/<network>-<deployment id>.json)")
    .addOptionalParam("interval", "Seconds between rounds", 60, types.int)
    .addFlag("once", "Run one round and exit")
    .addOptionalParam("batchSize", "Readings per transaction (at most the oracle's MAX_BATCH_LENGTH)", 100, types.int)
    .addOptionalParam("meterKeys", "JSON file mapping meter serials to the private keys they sign readings with")
    .addOptionalParam(
      "fromBlock",
      "First block to scan for data requests (default: the deployment block)",
      undefined,
      types.int,
    )
    .addOptionalParam("amiTimeout", "Seconds before a head-end request is abandoned (and retried)", 10, types.int)
    .addOptionalParam(
      "stuckAfter",
      "Seconds without a receipt before a transaction is resent with higher fees",
      60,
      types.int,
    ),
).setAction(async (args: BridgeArgs, hre) => {
  ensure(args.interval > 0, "--interval must be positive");
  ensure(args.batchSize > 0, "--batch-size must be positive");
  ensure(args.stuckAfter > 0, "--stuck-after must be positive");
  ensure(args.amiTimeout > 0, "--ami-timeout must be positive");
  const { AmiClient } = await import("../lib/bridge/ami-client");
  const { AmiBridge } = await import("../lib/bridge/bridge");
  const { TxSender } = await import("../lib/sender");
  const ctx = await setup(hre, args);
  const { d, signer } = ctx;
  const meterKeys = args.meterKeys === undefined ? new Map<string, Wallet>() : readMeterKeys(args.meterKeys);
  if (!(await d.oracleClient.isOracleOperator(signer.address))) {
    ensure(
      meterKeys.size > 0,
      `${signer.address} is not an oracle operator: add it (gridmarket:add-oracle-operator) or relay meter-signed readings with --meter-keys`,
    );
    say("  not an oracle operator: only meter-signed readings will be relayed");
  }
  const statePath =
    args.state ?? path.join(hre.config.paths.root, "scripts", "bridge", "state", `${d.network}-${d.deploymentId}.json`);
  const ami = new AmiClient(args.ami, undefined, (m) => say(`  ${m}`), args.amiTimeout * 1000);
  try {
    const health = await ami.health();
    say(`  head-end ${args.ami}: ${health.meters} meter(s), clock ${new Date(health.now * 1000).toISOString()}`);
  } catch (e) {
    throw new CliError(`the head-end at ${args.ami} does not answer: ${e instanceof Error ? e.message : String(e)}`);
  }
  const bridge = new AmiBridge({
    oracle: d.oracleClient,
    registry: d.registry,
    signer,
    ami,
    statePath,
    batchSize: args.batchSize,
    meterKeys,
    fromBlock: args.fromBlock ?? (d.deploymentBlock > 0 ? d.deploymentBlock : undefined),
    sender: new TxSender(signer, { stuckAfterMs: args.stuckAfter * 1000, log: (m) => say(`  ${m}`) }),
    log: (m) => say(`  ${m}`),
  });
  await bridge.init();
  say(`  state: ${statePath}`);
  if (args.once) {
    const r = await bridge.step();
    const rejected = r.readings.filter((x) => !x.accepted).length;
    say(
      `  ${r.readings.length} readings (${rejected} rejected) in ${r.transactions} transactions, ` +
        `${r.requestsAnswered} requests answered, gas ${r.gasUsed}`,
    );
    return;
  }
  const controller = new AbortController();
  const stop = () => {
    say("  stopping after this round");
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  say(`  polling every ${args.interval} s; Ctrl-C stops`);
  try {
    await bridge.run(args.interval * 1000, controller.signal);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
});
