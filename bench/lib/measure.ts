import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { matching } from "../scenarios/matching";
import { orders } from "../scenarios/orders";
import { registryAndReadings } from "../scenarios/readings";
import { history, scalingRuns } from "../scenarios/scaling";
import { settlement } from "../scenarios/settlement";
import { accounts } from "../scenarios/accounts";
import { type Bench, setUp } from "./context";
import type { Suite } from "./deploy";
import type { Measurements } from "./types";

export { END_TO_END_BOOK, SCALING_BOOKS, type MatchPoint, type Measurements, type ScalingRow } from "./types";

/**
 * Runs every measurement on a fresh in-process network, one scenario after the other (bench/scenarios/). `log`
 * receives progress lines. The network must be Hardhat's in-process one: the benchmark drives its clock and mines
 * its blocks. The order of the scenarios is part of the figures (later ones see the users' earlier orders).
 */
export async function measure(hre: HardhatRuntimeEnvironment, log: (line: string) => void): Promise<Measurements> {
  if (hre.network.name !== "hardhat")
    throw new Error("run the benchmark on the in-process network (--network hardhat)");
  const b = await setUp(hre, log);
  await registryAndReadings(b);
  await matching(b);
  await settlement(b);
  await orders(b);
  await history(b);
  await scalingRuns(b);
  await accounts(b);
  return result(b);
}

async function result(b: Bench): Promise<Measurements> {
  for (const name of ["Registry", "GridToken", "OracleClient", "Trading"]) {
    const artifact = await b.hre.artifacts.readArtifact(name);
    const address = b.suite.addresses[(name[0].toLowerCase() + name.slice(1)) as keyof Suite["addresses"]];
    b.rec.record(`bytecode.${name}.deployed`, ((await b.chain.code(address)).length - 2) / 2);
    b.rec.record(`bytecode.${name}.initcode`, (artifact.bytecode.length - 2) / 2);
  }
  b.rec.progress("done");
  const { metrics, transactions, matchPoints, settlementSlices, scaling, endToEnd, endToEndKeep } = b.rec;
  return {
    metrics,
    transactions,
    chain: b.chain,
    labels: Object.fromEntries(
      Object.entries(b.suite.addresses).map(([label, address]) => [address.toLowerCase(), label]),
    ),
    matchPoints,
    settlementSlices,
    scaling,
    endToEnd: endToEnd!,
    endToEndKeep: endToEndKeep!,
  };
}
