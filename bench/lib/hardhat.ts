import type { HardhatRuntimeEnvironment } from "hardhat/types";

/**
 * The Hardhat runtime of the in-process network, with the contracts compiled (and their TypeChain types
 * generated). The benchmark's entry points run under ts-node, so that they take command-line options; they import
 * the measuring code only after this, as it needs the generated types.
 */
export async function loadHardhat(): Promise<HardhatRuntimeEnvironment> {
  const hre = (await import("hardhat")).default;
  await hre.run("compile", { quiet: true });
  return hre;
}
