// The CRE workflow's configuration (cre/gridmarket/config/*.json) written from the network's Ignition deployment.
import fs from "node:fs";

import { ZeroAddress } from "ethers";
import { task } from "hardhat/config";

import { configSchema } from "../cre/gridmarket/config";
import { SEPOLIA_CRE_FORWARDERS, workflowConfig } from "../lib/cre";
import { CliError } from "../lib/errors";
import { say, sayFields } from "../lib/output";
import { parseAddress } from "../lib/validate";
import { type Context, gridTask } from "./common";

interface CreConfigArgs {
  out: string;
  forwarder?: string;
  headEndUrl?: string;
  chainSelectorName?: string;
}

/** `keystone` / `simulation` (Sepolia's forwarders), an address, or the OracleClient's own forwarder. */
async function resolveForwarder(ctx: Context, option: string | undefined): Promise<string> {
  if (option === "keystone" || option === "simulation") {
    if (ctx.d.chainId !== 11155111n) {
      throw new CliError(`--forwarder ${option} names a Sepolia forwarder; on chain ${ctx.d.chainId} pass its address`);
    }
    return SEPOLIA_CRE_FORWARDERS[option];
  }
  if (option !== undefined) return parseAddress("--forwarder", option);
  const current = await ctx.d.oracleClient.creForwarder();
  if (current === ZeroAddress) {
    throw new CliError("the OracleClient has no CRE forwarder yet: pass --forwarder, or run gridmarket:set-cre first");
  }
  return current;
}

gridTask(
  task("gridmarket:cre-config", "Writes the CRE workflow's config for this network from the Ignition deployment")
    .addParam("out", "The config file (e.g. cre/gridmarket/config/config.sepolia.json); its other settings are kept")
    .addOptionalParam("forwarder", "keystone | simulation (Sepolia) | an address (default: the OracleClient's)")
    .addOptionalParam("headEndUrl", "Base URL of the AMI head-end's HTTP API (required for a new file)")
    .addOptionalParam("chainSelectorName", "CRE's name of this chain (default: known for the suite's testnets)"),
  async (ctx, args: CreConfigArgs) => {
    const base = fs.existsSync(args.out) ? (JSON.parse(fs.readFileSync(args.out, "utf8")) as object) : undefined;
    const forwarder = await resolveForwarder(ctx, args.forwarder);
    const config = workflowConfig(base as Record<string, unknown> | undefined, {
      chainId: ctx.d.chainId,
      chainSelectorName: args.chainSelectorName,
      oracleClient: await ctx.d.oracleClient.getAddress(),
      forwarder,
      headEndUrl: args.headEndUrl,
    });
    const checked = configSchema.safeParse(config);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      throw new CliError(`${args.out}: the config would be invalid: ${issues.join("; ")}`);
    }
    fs.writeFileSync(args.out, `${JSON.stringify(config, null, 2)}\n`);
    sayFields([
      ["written", args.out],
      ["chain", config.chainSelectorName],
      ["OracleClient", config.oracleClient],
      ["forwarder", config.forwarder],
      ["head-end", String(config.headEnd.url)],
    ]);
    const accepted = await ctx.d.oracleClient.creForwarder();
    if (accepted.toLowerCase() !== forwarder.toLowerCase()) {
      say(`The OracleClient accepts reports from ${accepted}; before the workflow runs:`);
      say(`  npx hardhat gridmarket:set-cre --network ${ctx.d.network} --forwarder ${forwarder}`);
    }
    return config;
  },
);
