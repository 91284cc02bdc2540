// End-to-end test over JSON-RPC (npm run e2e): a separate `hardhat node`, an Ignition deployment from the command
// line (resumed from its journal after a partial first run), the operator CLI for a small market traded from market
// accounts (deposit, batch orders, batch cancel), time advanced through the RPC, the keeper until the epoch settles,
// exact wallet and account balances checked with ethers, and the withdrawals that empty the accounts. The node is always
// stopped, and the run's deployment folder removed.
//
//   npm run e2e                     # needs compiled artifacts (the script compiles first)
//   E2E_KEEP_LOGS=1 npm run e2e     # keep the node's log file
import { type ChildProcess, spawn } from "node:child_process";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { KWH, WH } from "../lib/units";

const ROOT = path.resolve(__dirname, "..");
const DEPLOYMENT_ID = "e2e-localhost";
const DEPLOYMENT_DIR = path.join(ROOT, "deploy", "deployments", DEPLOYMENT_ID);
const STARTED = Date.now();

function log(message: string): void {
  console.log(`[e2e +${((Date.now() - STARTED) / 1000).toFixed(1)}s] ${message}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function waitForNode(url: string, node: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exitCode !== null) throw new Error(`hardhat node exited with code ${node.exitCode}`);
    try {
      if ((await rpc(url, "eth_chainId")) === "0x7a69") return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms`);
}

/** Runs `npx hardhat <args>`; resolves with its exit status and output. */
function spawnHardhat(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["hardhat", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

/** Runs `npx hardhat <args>` and returns its output; throws with the output on failure. */
async function hardhat(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { status, out } = await spawnHardhat(args, env);
  if (status !== 0) throw new Error(`npx hardhat ${args.join(" ")} failed (${status}):\n${out}`);
  return out;
}

function stopNode(node: ChildProcess): void {
  if (node.pid === undefined || node.exitCode !== null) return;
  try {
    process.kill(-node.pid, "SIGTERM"); // the node runs in its own process group (npx and its child)
  } catch {
    // Already gone.
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, LOCALHOST_RPC_URL: url, HARDHAT_NETWORK: "localhost" };
  const logFile = path.join(os.tmpdir(), `gridmarket-e2e-node-${port}.log`);
  const nodeLog = fs.openSync(logFile, "w");

  fs.rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
  log(`starting hardhat node on ${url}, compiling meanwhile`);
  const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, HARDHAT_NETWORK: undefined },
    stdio: ["ignore", nodeLog, nodeLog],
    detached: true,
  });
  const onSignal = () => {
    stopNode(node);
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // A hung node or command must not hold CI: fail after 3 minutes whatever happens.
  const watchdog = setTimeout(() => {
    console.error("[e2e] FAILED: timed out after 180 s");
    stopNode(node);
    process.exit(1);
  }, 180_000);
  watchdog.unref();

  let ok = false;
  try {
    await Promise.all([
      hardhat(["compile", "--quiet"], { ...env, HARDHAT_NETWORK: undefined }),
      waitForNode(url, node, 45_000),
    ]);
    log("node answers, artifacts compiled");
    const hre = await deployAndResume(env);
    await market(env, hre);
    ok = true;
  } finally {
    stopNode(node);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    fs.rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    if (ok && !process.env.E2E_KEEP_LOGS) fs.rmSync(logFile, { force: true });
    else log(`node log: ${logFile}`);
  }
  log(`passed in ${((Date.now() - STARTED) / 1000).toFixed(1)} s`);
}

/** Deploys the Registry alone, then the whole system under the same id: Ignition must resume from its journal. */
async function deployAndResume(env: NodeJS.ProcessEnv): Promise<HardhatRuntime> {
  // The localhost parameters, plus the same admin delay for the standalone Registry module (JSON numbers and the
  // modules' bigint defaults differ for Ignition's reconciliation, so both runs must read the same value).
  const localhost = JSON.parse(fs.readFileSync(path.join(ROOT, "deploy/parameters/localhost.json"), "utf8")) as {
    GridMarket: { adminDelay?: number };
  };
  const parameters = path.join(os.tmpdir(), `gridmarket-e2e-parameters-${process.pid}.json`);
  fs.writeFileSync(
    parameters,
    JSON.stringify({ ...localhost, Registry: { adminDelay: localhost.GridMarket.adminDelay ?? 0 } }),
  );
  const common = ["--network", "localhost", "--deployment-id", DEPLOYMENT_ID, "--parameters", parameters];

  log("ignition deploy deploy/modules/Registry.ts (a partial deployment)");
  await hardhat(["ignition", "deploy", "deploy/modules/Registry.ts", ...common], env);
  const addressesFile = path.join(DEPLOYMENT_DIR, "deployed_addresses.json");
  const partial = JSON.parse(fs.readFileSync(addressesFile, "utf8")) as Record<string, string>;
  assert.deepEqual(Object.keys(partial), ["Registry#Registry"]);

  log("ignition deploy deploy/modules/GridMarket.ts (resumes from the journal)");
  const deploying = hardhat(["ignition", "deploy", "deploy/modules/GridMarket.ts", ...common], env);
  const hre = loadHardhat(env); // meanwhile: the in-process runtime the tasks will run in
  await deploying;
  fs.rmSync(parameters, { force: true });
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

type HardhatRuntime = typeof import("hardhat");

/** Loads Hardhat in this process, bound to the node (HARDHAT_NETWORK=localhost, LOCALHOST_RPC_URL). */
function loadHardhat(env: NodeJS.ProcessEnv): HardhatRuntime {
  Object.assign(process.env, { LOCALHOST_RPC_URL: env.LOCALHOST_RPC_URL, HARDHAT_NETWORK: "localhost" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntime;
  assert.equal(hre.network.name, "localhost");
  return hre;
}

/** A small market driven through the operator CLI, over JSON-RPC. */
async function market(env: NodeJS.ProcessEnv, hre: HardhatRuntime): Promise<void> {
  // The tasks run in this process against the node, over JSON-RPC.
  const { output } = await import("../lib/output");
  const { loadDeployment } = await import("../lib/deployment");
  const printed: string[] = [];
  output.write = (line: string) => printed.push(line);
  const run = <T>(name: string, args: Record<string, unknown>) =>
    hre.run(name, { deploymentId: DEPLOYMENT_ID, ...args }) as Promise<T>;

  const [admin, alice, bob, carol] = await hre.ethers.getSigners();
  const d = await loadDeployment(hre, { deploymentId: DEPLOYMENT_ID });

  log("register users and meters, set a meter signer");
  await run("gridmarket:register-user", { account: alice.address, type: "prosumer", location: "North 7" });
  await run("gridmarket:register-user", { account: bob.address, type: "consumer", location: "South 2" });
  await run("gridmarket:assign-meter", { meter: "E2E-MTR-ALICE", owner: alice.address });
  await run("gridmarket:assign-meter", { meter: "E2E-MTR-BOB", owner: bob.address });
  await run("gridmarket:set-meter-signer", { meter: "E2E-MTR-ALICE", signer: carol.address });

  log("submit readings (CSV batch) and a request/fulfilment");
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  const csv = path.join(os.tmpdir(), `gridmarket-e2e-${process.pid}.csv`);
  fs.writeFileSync(
    csv,
    [
      "meter,exportWh,importWh,readAt",
      `E2E-MTR-ALICE,10000,2000,${now - 3600n}`,
      `E2E-MTR-BOB,0,5000,${now - 3600n}`,
      `E2E-MTR-ALICE,14000,2000,${now - 1800n}`,
    ].join("\n"),
  );
  const outcomes = await run<{ accepted: boolean; minted: bigint }[]>("gridmarket:submit-readings", { file: csv });
  fs.rmSync(csv, { force: true });
  assert.deepEqual(
    outcomes.map((o) => [o.accepted, o.minted]),
    [
      [true, 0n],
      [true, 0n],
      [true, 4000n * WH],
    ],
  );
  const { requestId } = await run<{ requestId: bigint }>("gridmarket:request-data", {
    meter: "E2E-MTR-BOB",
    from: bob.address,
  });
  await run("gridmarket:fulfill-request", { requestId: String(requestId), exportWh: "0", importWh: "5200" });
  assert.equal(await d.gridToken.balanceOf(alice.address), 4n * KWH);
  await run("gridmarket:mint-payment-token", { to: bob.address, amount: "20" });

  log("market accounts: Bob deposits 5 USDC, Alice 1 kWh");
  await run("gridmarket:deposit", { token: "usdc", amount: "5", from: bob.address });
  await run("gridmarket:deposit", { token: "grid", amount: "1", from: alice.address });
  const usdc = d.payment.address;
  const grid = await d.gridToken.getAddress();
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 5_000_000n);
  assert.equal(await d.trading.accountBalance(alice.address, grid), KWH);

  log("move to the start of a fresh epoch and place orders");
  const epoch = (await d.trading.currentEpoch()) + 1n;
  const latest = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  await hre.network.provider.send("evm_increaseTime", [Number((await d.trading.epochStart(epoch)) - latest)]);
  await hre.network.provider.send("evm_mine", []);
  assert.equal(await d.trading.currentEpoch(), epoch);
  // Alice's ask reserves 1 kWh from her account and pulls the 2 kWh shortfall from her wallet.
  await run("gridmarket:place-orders", { orders: "sell:3@0.18", from: alice.address });
  assert.equal(await d.trading.accountBalance(alice.address, grid), 0n);
  assert.equal(await d.gridToken.balanceOf(alice.address), 1n * KWH);
  // Bob's bids reserve 0.48 + 0.10 USDC from his account; the cancel returns 0.10 to it.
  const [, cancelled] = await run<{ orderId: bigint }[]>("gridmarket:place-orders", {
    orders: "buy:2@0.24,buy:1@0.10",
    from: bob.address,
  });
  await run("gridmarket:cancel-orders", { orderIds: String(cancelled.orderId), from: bob.address });
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 4_520_000n);
  assert.equal(await d.paymentToken.balanceOf(bob.address), 15_000_000n);
  const status = await run<{ epochs: { bids: unknown[]; asks: unknown[] }[] }>("gridmarket:market-status", {});
  assert.deepEqual(status.epochs[0].bids, [{ price: 240_000n, quantity: 2n * KWH }]);
  assert.deepEqual(status.epochs[0].asks, [{ price: 180_000n, quantity: 3n * KWH }]);

  const before = {
    aliceGrid: await d.gridToken.balanceOf(alice.address),
    bobGrid: await d.gridToken.balanceOf(bob.address),
    aliceUsdc: await d.paymentToken.balanceOf(alice.address),
    bobUsdc: await d.paymentToken.balanceOf(bob.address),
  };

  log("advance past gate closure (evm_increaseTime + evm_mine) and run the keeper until settled");
  const end = await d.trading.epochEnd(epoch);
  const at = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  await hre.network.provider.send("evm_increaseTime", [Number(end - at)]);
  await hre.network.provider.send("evm_mine", []);
  for (let round = 1; (await d.trading.getEpochResult(epoch)).status !== 5n; round++) {
    assert.ok(round <= 5, "the keeper did not settle the epoch in 5 rounds");
    await run("gridmarket:keeper", { once: true, from: admin.address });
  }

  // p = floor((0.24 + 0.18) / 2) = 0.21 USDC/kWh; 2 kWh trade. Bob escrowed 0.48, pays 0.42 and gets 0.06 back in
  // his account and 2 kWh in his wallet; Alice sold 2 of 3 kWh: 0.42 USDC and the unsold 1 kWh go to her account.
  const result = await d.trading.getEpochResult(epoch);
  assert.deepEqual([result.clearingPrice, result.volume], [210_000n, 2n * KWH]);
  assert.equal(await d.gridToken.balanceOf(alice.address), before.aliceGrid);
  assert.equal(await d.gridToken.balanceOf(bob.address), before.bobGrid + 2n * KWH);
  assert.equal(await d.paymentToken.balanceOf(alice.address), before.aliceUsdc);
  assert.equal(await d.paymentToken.balanceOf(bob.address), before.bobUsdc);
  const balances = await run<{ account: { grid: bigint; payment: bigint } }>("gridmarket:balance", {
    account: alice.address,
  });
  assert.deepEqual(balances.account, { grid: KWH, payment: 420_000n });
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 4_580_000n);
  assert.equal(await d.trading.accountBalance(bob.address, grid), 0n);
  assert.equal(await d.paymentToken.balanceOf(d.trading), 5_000_000n);
  assert.equal(await d.gridToken.balanceOf(d.trading), KWH);

  log("withdraw: Bob all his USDC, Alice 0.42 USDC and all her GRID");
  await run("gridmarket:withdraw", { token: "usdc", all: true, from: bob.address });
  await run("gridmarket:withdraw", { token: "usdc", amount: "0.42", from: alice.address });
  await run("gridmarket:withdraw", { token: "grid", all: true, from: alice.address });
  assert.equal(await d.paymentToken.balanceOf(bob.address), 19_580_000n);
  assert.equal(await d.paymentToken.balanceOf(alice.address), before.aliceUsdc + 420_000n);
  assert.equal(await d.gridToken.balanceOf(alice.address), before.aliceGrid + KWH);
  assert.equal(await d.trading.accountBalance(alice.address, usdc), 0n);
  assert.equal(await d.trading.accountBalance(bob.address, usdc), 0n);
  assert.equal(await d.paymentToken.balanceOf(d.trading), 0n);
  assert.equal(await d.gridToken.balanceOf(d.trading), 0n);

  log("the CLI as an operator runs it: a separate process reads the trade history");
  const history = await hardhat(
    ["gridmarket:market-history", "--network", "localhost", "--deployment-id", DEPLOYMENT_ID, "--epoch", String(epoch)],
    env,
  );
  assert.match(history, /2 fill\(s\) in epoch/);
  assert.match(history, new RegExp(`${bob.address}\\s+Buy\\s+2 kWh\\s+0\\.21 USDC/kWh\\s+0\\.42 USDC`));
  assert.match(history, new RegExp(`${alice.address}\\s+Sell\\s+2 kWh\\s+0\\.21 USDC/kWh\\s+0\\.42 USDC`));
  assert.ok(printed.some((line) => line.includes("keeper stopped (once)")));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`[e2e] FAILED: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
