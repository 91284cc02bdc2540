// The option set every task shares, and the set-up each task runs before its own work.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";

import { type Deployment, loadDeployment } from "../lib/deployment";
import { say } from "../lib/output";
import { resolveSigner } from "../lib/signer";
import { type HasInterface, send } from "../lib/tx";

/** Options every GridMarket task accepts. */
export interface CommonArgs {
  from?: string;
  deploymentId?: string;
}

/** Adds `--from` and `--deployment-id` to a task definition. */
export function withCommonParams(task: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return task
    .addOptionalParam("from", "Account to send from: an index of the network's accounts or an address (default 0)")
    .addOptionalParam("deploymentId", "Ignition deployment id (default chain-<chainId>)");
}

/** What a task works with: the signer and the deployment connected to it. */
export interface Context {
  signer: HardhatEthersSigner;
  d: Deployment;
  /** Every GridMarket contract, to decode custom errors raised anywhere along a call. */
  decoders: HasInterface[];
}

/** Resolves the signer and loads the deployment; prints where the task runs. */
export async function setup(hre: HardhatRuntimeEnvironment, args: CommonArgs): Promise<Context> {
  const signer = await resolveSigner(hre, args.from);
  const d = await loadDeployment(hre, { deploymentId: args.deploymentId, signer });
  say(`GridMarket on ${d.network} (chain ${d.chainId}, deployment ${d.deploymentId}), sender ${signer.address}`);
  return { signer, d, decoders: [d.registry, d.gridToken, d.trading, d.oracleClient, d.paymentToken] };
}

/** Approves Trading for `amount` of `token` when the signer's allowance falls short. */
export async function ensureAllowance(
  ctx: Context,
  token: Deployment["gridToken"] | Deployment["paymentToken"],
  label: string,
  amount: bigint,
): Promise<void> {
  if (amount === 0n) return;
  const spender = await ctx.d.trading.getAddress();
  const allowance = await token.allowance(ctx.signer.address, spender);
  if (allowance >= amount) return;
  await send(`approve ${label}`, () => token.approve(spender, amount), ctx.decoders);
}
