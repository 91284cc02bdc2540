import "@nomicfoundation/hardhat-toolbox";
import "dotenv/config";
import { extendConfig, subtask } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_COMPILE_JOBS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_TEST_GET_TEST_FILES,
} from "hardhat/builtin-tasks/task-names";
import type {
  BuildInfo,
  CompilationJob,
  HardhatRuntimeEnvironment,
  HardhatUserConfig,
  NetworkUserConfig,
} from "hardhat/types";
import { HardhatArtifactResolver } from "@nomicfoundation/hardhat-ignition/helpers";
import fs from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { outputTransformers } from "typechain/dist/codegen/outputTransformers";
import path from "node:path";

import "./tasks";

const SOLC_VERSION = "0.8.30";
const COVERAGE_SHARD = process.env.GRIDMARKET_COVERAGE_SHARD;

// Every compiler comes from an npm package, never from the download server. Our sources use 0.8.30; Chainlink's
// own contracts, compiled for the tests, pin older versions (Automation 2.3: 0.8.19; Keystone: 0.8.24), which
// come from exact-version npm aliases of `solc` (see package.json).
const SOLC_PACKAGES: Record<string, string> = {
  [SOLC_VERSION]: "solc",
  "0.8.19": "solc-0.8.19",
  "0.8.24": "solc-0.8.24",
};

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  const pkg = SOLC_PACKAGES[args.solcVersion];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const installed: string | undefined = pkg ? require(`${pkg}/package.json`).version : undefined;
  if (pkg === undefined || installed !== args.solcVersion) {
    throw new HardhatPluginError(
      "gridmarket",
      `Compiler mismatch: hardhat.config.ts asks for solc ${args.solcVersion}; the project provides ` +
        `${Object.entries(SOLC_PACKAGES)
          .map(([v, p]) => `${v} (npm ${p})`)
          .join(", ")}` +
        (pkg ? ` and node_modules has ${pkg}@${installed}` : "") +
        ". Run `npm ci`; no compiler is ever downloaded.",
    );
  }
  const compilerPath = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "soljson.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const longVersion: string = require(pkg)
    .version()
    .replace(/\.Emscripten.*$/, "");
  return { compilerPath, isSolcJs: true, version: installed, longVersion };
});

// Hardhat makes one compilation job per distinct compiler configuration object, and every override resolves to an
// object of its own: files that share settings share one object here, so each set compiles in one job. The test
// mocks on our compiler get a copy of the default settings, so they compile beside the product contracts (in a job
// of their own) rather than after them: on two cores that takes 5 s off a fresh build.
extendConfig((resolved) => {
  const { overrides } = resolved.solidity;
  overrides["contracts/libraries/Clearing.sol"] = overrides["contracts/Trading.sol"];
  overrides["contracts/test/KeystoneForwarderImport.sol"] =
    overrides["@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol"];
  const mocks = structuredClone(resolved.solidity.compilers[0]);
  const mocksDir = path.join(resolved.paths.sources, "test");
  for (const file of fs.existsSync(mocksDir) ? fs.readdirSync(mocksDir) : []) {
    const pragma = /pragma solidity ([^;]+);/.exec(fs.readFileSync(path.join(mocksDir, file), "utf8"))?.[1];
    const name = `contracts/test/${file}`;
    if (overrides[name] === undefined && (pragma === SOLC_VERSION || pragma?.startsWith("^0.8.") === true)) {
      overrides[name] = mocks;
    }
  }
});

// Compilation jobs (one per compiler configuration) are independent: run as many at once as there are cores
// (Hardhat's default leaves one idle), the largest first (an IR-pipeline file costs about four legacy ones), so a
// 2-core machine compiles in about half the time.
subtask(
  TASK_COMPILE_SOLIDITY_COMPILE_JOBS,
  async (args: { compilationJobs: CompilationJob[]; concurrency: number }, _hre, runSuper) => {
    const hardhatDefault = Math.max(os.cpus().length - 1, 1);
    const weight = (job: CompilationJob) =>
      job.getResolvedFiles().length * (job.getSolcConfig().settings?.viaIR === true ? 4 : 1);
    return runSuper({
      ...args,
      compilationJobs: [...args.compilationJobs].sort((a, b) => weight(b) - weight(a)),
      concurrency: args.concurrency === hardhatDefault ? os.availableParallelism() : args.concurrency,
    });
  },
);

// Ignition reads and parses a contract's whole build info (16 MB with our storage layouts) for every contract it
// deploys, even on the in-process network where it then drops it: about 1.3 s per deployment of the market. Parse
// each build-info file once per process instead; build-info files are named by their content's hash, so a parse
// kept by path is never stale.
const parsedBuildInfos = new Map<string, Promise<BuildInfo>>();
HardhatArtifactResolver.prototype.getBuildInfo = async function (
  this: { _hre: HardhatRuntimeEnvironment },
  contractName: string,
): Promise<BuildInfo | undefined> {
  const { artifacts } = this._hre;
  const artifact = await artifacts.readArtifact(contractName);
  const artifactPath = artifacts.formArtifactPathFromFullyQualifiedName(
    `${artifact.sourceName}:${artifact.contractName}`,
  );
  const debugPath = artifactPath.replace(/\.json$/, ".dbg.json");
  const buildInfoPath = path.resolve(
    path.dirname(debugPath),
    (JSON.parse(await readFile(debugPath, "utf8")) as { buildInfo: string }).buildInfo,
  );
  let parsed = parsedBuildInfos.get(buildInfoPath);
  if (parsed === undefined) {
    parsed = readFile(buildInfoPath, "utf8").then((text) => JSON.parse(text) as BuildInfo);
    parsedBuildInfos.set(buildInfoPath, parsed);
  }
  return parsed;
};

// TypeChain formats every file it generates with its own copy of prettier: 7 of its 8 seconds for our 350 typings,
// on the critical path of every fresh build. The output is generated, git-ignored and never read as text, so it is
// left unformatted (the preamble transformer stays).
const prettierStep = outputTransformers.findIndex((transform) => transform.name === "prettierOutputTransformer");
if (prettierStep !== -1) outputTransformers.splice(prettierStep, 1);

interface SolcMessage {
  severity: string;
  formattedMessage: string;
  sourceLocation?: { file: string };
}

// Compiler warnings in our own sources are errors (solidity-coverage's instrumented build is exempt).
subtask(TASK_COMPILE_SOLIDITY_CHECK_ERRORS, async (args: { output: { errors?: SolcMessage[] } }, hre, runSuper) => {
  // Third-party warnings (e.g. OpenZeppelin's note on transient storage) are not ours to fix: keep the log clean.
  const ours = (e: SolcMessage) => e.severity !== "warning" || e.sourceLocation?.file.startsWith("contracts/") === true;
  args.output.errors = (args.output.errors ?? []).filter(ours);
  await runSuper(args);
  if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) return;
  const warnings = args.output.errors.filter(
    (e) => e.severity === "warning" && e.sourceLocation?.file.startsWith("contracts/") === true,
  );
  if (warnings.length > 0) {
    throw new HardhatPluginError(
      "gridmarket",
      `Compiler warnings are errors:\n${warnings.map((w) => w.formattedMessage).join("\n")}`,
    );
  }
});

// The two long randomized suites start first, so that `npm test` (mocha --parallel, two workers) spreads the
// short files over both workers behind them instead of ending on a long tail.
const LONG_SUITES = ["test/security/Invariants.test.ts", "test/integration/differential.test.ts"];
subtask(TASK_TEST_GET_TEST_FILES, async (args, _hre, runSuper) => {
  const files: string[] = await runSuper(args);
  const rank = (file: string) => {
    const i = LONG_SUITES.findIndex((suite) => file.endsWith(suite));
    return i === -1 ? LONG_SUITES.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b));
});

function remote(urlVar: string, chainId: number): NetworkUserConfig {
  const key = process.env.DEPLOYER_PRIVATE_KEY;
  return {
    url: process.env[urlVar] ?? "",
    chainId,
    accounts: key ? [key] : [],
  };
}

// Chainlink's Keystone contracts as Chainlink builds them (solc 0.8.24, optimizer on, Cancun).
const KEYSTONE = {
  version: "0.8.24",
  settings: { optimizer: { enabled: true, runs: 1000 }, evmVersion: "cancun" },
};

const VIA_IR = {
  version: SOLC_VERSION,
  settings: {
    optimizer: { enabled: true, runs: 1000 },
    viaIR: true,
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["storageLayout"] } },
  },
};

const config: HardhatUserConfig = {
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        settings: {
          optimizer: { enabled: true, runs: 1000 },
          evmVersion: "cancun",
          // The storage layout is part of the gas budgets; test/StorageLayout.test.ts reads it from the build info.
          outputSelection: { "*": { "*": ["storageLayout"] } },
        },
      },
      // Chainlink's Automation 2.3 sources (contracts/test/ChainlinkAutomation2_3.sol, tests only) pin 0.8.19.
      // At 200 runs every 2.3 contract fits in 24,576 bytes; solidity-coverage turns the optimizer off and lifts
      // the size limit of the in-process network itself, so the tests deploy them under coverage too.
      {
        version: "0.8.19",
        settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "paris" },
      },
    ],
    overrides: {
      "contracts/libraries/Clearing.sol": VIA_IR,
      "contracts/Trading.sol": VIA_IR,
      // Chainlink's KeystoneForwarder pins solc 0.8.24 (test/cre/ delivers the CRE workflow's reports through it).
      "contracts/test/KeystoneForwarderImport.sol": KEYSTONE,
      "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol": KEYSTONE,
    },
  },
  paths: {
    ignition: "deploy",
    // A coverage shard (scripts/coverage.ts) builds its instrumented contracts into folders of its own:
    // solidity-coverage otherwise uses artifacts/ and cache/, which other CI steps read at the same time.
    ...(COVERAGE_SHARD === undefined
      ? {}
      : { artifacts: `.coverage_artifacts_${COVERAGE_SHARD}`, cache: `.coverage_cache_${COVERAGE_SHARD}` }),
  },
  // Confirmations Ignition waits for on a node without automine (default 5); the local runs over JSON-RPC
  // (npm run e2e, npm run soak) set GRIDMARKET_IGNITION_CONFIRMATIONS=1 on their one-second blocks.
  ignition: { requiredConfirmations: Number(process.env.GRIDMARKET_IGNITION_CONFIRMATIONS ?? 5) },
  networks: {
    hardhat: {
      // Large randomized books are loaded in one block; keep the Osaka per-transaction cap (EIP-7825).
      allowUnlimitedContractSize: false,
    },
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    sepolia: remote("SEPOLIA_RPC_URL", 11155111),
    arbitrumSepolia: remote("ARBITRUM_SEPOLIA_RPC_URL", 421614),
    baseSepolia: remote("BASE_SEPOLIA_RPC_URL", 84532),
    amoy: remote("AMOY_RPC_URL", 80002),
  },
  etherscan: {
    apiKey: process.env.ETHERSCAN_API_KEY ?? "",
  },
  sourcify: { enabled: false },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    currency: "USD",
    offline: true,
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
    // A coverage shard (scripts/coverage.ts) compiles instrumented contracts while other CI steps may read the
    // types: it must not rewrite them.
    dontOverrideCompile: COVERAGE_SHARD !== undefined,
  },
  mocha: {
    timeout: 120_000,
    jobs: 2,
  },
};

export default config;
