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

/** What a task does once connected: `parsed` is what its parse step made of the arguments (or the arguments). */
type TaskRun<Parsed> = (ctx: Context, parsed: Parsed, hre: HardhatRuntimeEnvironment) => Promise<unknown>;

/**
 * Defines a GridMarket task the way every one of them runs: the common options added to `definition`; then `parse`
 * (everything that can fail without the network: a bad argument stops the task before it connects), `setup`, and
 * `run` on the connected deployment, whose result the task returns. Without `parse`, `run` gets the arguments.
 */
export function gridTask<Args>(definition: ConfigurableTaskDefinition, run: TaskRun<Args>): void;
export function gridTask<Args, Parsed>(
  definition: ConfigurableTaskDefinition,
  parse: (args: Args) => Parsed,
  run: TaskRun<Parsed>,
): void;
export function gridTask(
  definition: ConfigurableTaskDefinition,
  ...steps: [TaskRun<unknown>] | [(args: unknown) => unknown, TaskRun<unknown>]
): void {
  const [parse, run] = steps.length === 1 ? [(args: unknown) => args, steps[0]] : steps;
  withCommonParams(definition).setAction(async (args: CommonArgs, hre) => {
    const parsed = parse(args);
    return run(await setup(hre, args), parsed, hre);
  });
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
