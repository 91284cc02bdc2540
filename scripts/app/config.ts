// The web app's runtime configuration (config.json): the chain, its RPC endpoint and the GridMarket contracts of an
// Ignition deployment. The app fetches it at start, so one build serves any chain.
//
//   npm run app:config -- --deployment-id chain-31337 --rpc-url http://127.0.0.1:8545 [--out app/public/config.json]
import fs from "node:fs";
import path from "node:path";

import { assertKnown, parseArgs, stringArg } from "../../lib/args";
import { readDeploymentFolder } from "../../lib/deployment";
import { type AppConfig, LOCAL_CHAIN_IDS } from "../../lib/webapp";

const ROOT = path.resolve(__dirname, "../..");

/** The config of the deployment in `dir`, served from `rpcUrl`. */
export function appConfig(dir: string, rpcUrl: string, extra: Partial<AppConfig> = {}): AppConfig {
  const folder = readDeploymentFolder(dir);
  if (folder.chainId === undefined) throw new Error(`${dir} has no journal: which chain was it deployed on?`);
  const local = LOCAL_CHAIN_IDS.includes(folder.chainId);
  return {
    chainId: folder.chainId,
    chainName: local ? "Local development chain" : `Chain ${folder.chainId}`,
    rpcUrl,
    local,
    contracts: {
      registry: folder.addresses.Registry,
      gridToken: folder.addresses.GridToken,
      trading: folder.addresses.Trading,
      oracleClient: folder.addresses.OracleClient,
    },
    deploymentBlock: folder.deploymentBlock,
    devAccounts: [],
    ...extra,
  };
}

/** Names for the testnets the project deploys to (README, Networks); others show as "Chain <id>". */
const CHAIN_NAMES: Record<number, string> = {
  11155111: "Sepolia",
  421614: "Arbitrum Sepolia",
  84532: "Base Sepolia",
  80002: "Polygon Amoy",
};

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["deployment-id", "rpc-url", "out", "deployments"]);
  const id = stringArg(args, "deployment-id", "chain-31337");
  const root = stringArg(args, "deployments", path.join(ROOT, "deploy", "deployments"));
  const out = stringArg(args, "out", path.join(ROOT, "app", "public", "config.json"));
  const dir = path.join(root, id);
  if (!fs.existsSync(dir)) {
    const known = fs.existsSync(root) ? fs.readdirSync(root).join(", ") : "none";
    throw new Error(`no deployment "${id}" in ${root} (there: ${known || "none"}); pass --deployment-id`);
  }
  const config = appConfig(dir, stringArg(args, "rpc-url", "http://127.0.0.1:8545"));
  if (!config.local) config.chainName = CHAIN_NAMES[config.chainId] ?? config.chainName;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(config, null, 2) + "\n");
  console.log(`wrote ${out}: chain ${config.chainId}, Trading ${config.contracts.trading}`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`app:config: ${(error as Error).message}`);
    process.exit(1);
  }
}
