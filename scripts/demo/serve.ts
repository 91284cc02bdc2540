// `npm run demo -- --serve`: the campus day, live. Builds the web app, starts a hardhat node of its own on
// 127.0.0.1, and, once the campus is registered, serves the app against the node with the campus's participants
// offered by the development connector (the node signs for them: the demo impersonates them). Between epochs the
// chain clock ticks every real second, so that a 15-minute epoch passes in `--epoch-seconds` and the app's
// countdown runs; the demo's keeper clears each epoch at its turn, orders placed in the app included.
import { spawnSync } from "node:child_process";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { deploymentsRoot } from "../../lib/deployment";
import { appConfig } from "../app/config";
import { startLocalNode } from "../app/node";
import { type AppServer, serveApp } from "../app/server";
import type { ServeOptions } from "./options";
import type { DemoHooks } from "./simulation";

const ROOT = path.resolve(__dirname, "../..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LiveDemo {
  /** The runDemo hooks that serve the app and pace the day. */
  hooks(hre: HardhatRuntimeEnvironment): DemoHooks;
  /** Keeps the node and the app up until Ctrl-C, then stops both. */
  keepServing(): Promise<void>;
}

/** Builds the app and starts the node; points Hardhat's `localhost` network at it (call before loading hardhat). */
export async function startLiveDemo(serve: ServeOptions): Promise<LiveDemo> {
  console.error("Building the web app (npm run app:build)…");
  const build = spawnSync("npm", ["run", "--silent", "app:build"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error(`npm run app:build failed (${build.status})`);
  const node = await startLocalNode();
  process.env.HARDHAT_NETWORK = "localhost";
  process.env.LOCALHOST_RPC_URL = node.url;
  console.error(`hardhat node on ${node.url} (log: ${node.options.logFile})`);
  let server: AppServer | undefined;

  return {
    hooks: (hre) => ({
      async onCampus({ deploymentId, participants }) {
        if (deploymentId === undefined) throw new Error("--serve needs a deployment on the node");
        const config = appConfig(path.join(deploymentsRoot(hre), deploymentId), node.url, {
          chainName: "Campus demo (hardhat node)",
          devAccounts: participants.map((p) => ({ address: p.address, label: `${p.label} — ${p.role}` })),
          accelerated: `one 15-minute epoch every ${serve.epochSeconds} s of real time`,
        });
        server = await serveApp(config, { port: serve.port });
        console.error(
          `\n  The campus is live: open ${server.url}\n` +
            `  Connect a "development account" (one of the campus's participants) to trade; Ctrl-C stops.\n`,
        );
      },
      async afterOrders(_k, tk, epochLength) {
        for (let i = 1; i <= serve.epochSeconds; i++) {
          await sleep(1000);
          const target = tk + Math.floor((i * (epochLength - 2)) / serve.epochSeconds);
          const latest = (await hre.network.provider.send("eth_getBlockByNumber", ["latest", false])) as {
            timestamp: string;
          };
          if (target > Number(latest.timestamp)) await hre.network.provider.send("evm_mine", [target]);
        }
      },
    }),
    async keepServing() {
      if (server !== undefined) console.error(`\nThe day is over. The app stays up at ${server.url}; Ctrl-C stops.`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await server?.close();
      await node.stop();
    },
  };
}
