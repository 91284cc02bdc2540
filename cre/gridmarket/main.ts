// Entry point of the GridMarket CRE workflow (compiled to WASM by `cre workflow deploy` / `simulate`).
import { Runner } from "@chainlink/cre-sdk";

import { configSchema } from "./config";
import { initWorkflow } from "./workflow";

export async function main() {
  const runner = await Runner.newRunner({ configSchema });
  await runner.run(initWorkflow);
}

main();
