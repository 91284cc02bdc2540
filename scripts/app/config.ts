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

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["deployment-id", "rpc-url", "out", "deployments"]);
  const id = stringArg(args, "deployment-id", "chain-31337");
  const root = stringArg(args, "deployments", path.join(ROOT, "deploy", "deployments"));
  const out = stringArg(args, "out", path.join(ROOT, "app", "public", "config.json"));
  const config = appConfig(path.join(root, id), stringArg(args, "rpc-url", "http://127.0.0.1:8545"));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(config, null, 2) + "\n");
  console.log(`wrote ${out}: chain ${config.chainId}, Trading ${config.contracts.trading}`);
}
