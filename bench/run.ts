import hre from "hardhat";
import { measure } from "./lib/measure";

async function main(): Promise<void> {
  const m = await measure(hre, (line) => console.log(line));
  console.log(JSON.stringify(m.metrics, null, 2));
  console.log(JSON.stringify(m.scaling.map(({ upkeeps, ...r }) => ({ ...r, upkeeps: upkeeps.map((u) => u.gasUsed) })), null, 1));
}
main().catch((e) => { console.error(e); process.exit(1); });
