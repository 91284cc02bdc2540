// gridmarket:cre-config: the CRE workflow's config written from the Ignition deployment.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { capture, deploySystem, load, run, runError } from "./helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-cre-config-"));
const FORWARDER = "0xF8344CFd5c43616a4366C34E3EEE75af79a74482";
const SEPOLIA = { chainSelectorName: "ethereum-testnet-sepolia" };

describe("gridmarket:cre-config", () => {
  it("writes a new config for the deployment's OracleClient and says how to set the forwarder on it", async () => {
    const system = await load(deploySystem);
    const out = path.join(dir, "new.json");

    const { lines } = await capture(() =>
      hre.run("gridmarket:cre-config", {
        out,
        forwarder: FORWARDER,
        headEndUrl: "https://ami.example/api",
        ...SEPOLIA,
      }),
    );

    expect(JSON.parse(fs.readFileSync(out, "utf8"))).to.deep.equal({
      schedule: "0 */15 * * * *",
      headEnd: { intervalSeconds: 900, lookbackIntervals: 2, maxPages: 5, url: "https://ami.example/api" },
      maxReadingsPerReport: 60,
      gasLimit: { readings: "4500000", clearing: "5000000" },
      blockConfidence: "latest",
      chainSelectorName: "ethereum-testnet-sepolia",
      oracleClient: await system.oracleClient.getAddress(),
      forwarder: FORWARDER,
    });
    expect(lines.slice(-2)).to.deep.equal([
      `The OracleClient accepts reports from ${hre.ethers.ZeroAddress}; before the workflow runs:`,
      `  npx hardhat gridmarket:set-cre --network hardhat --forwarder ${FORWARDER}`,
    ]);
  });

  it("keeps the file's other settings and takes the forwarder the OracleClient accepts", async () => {
    const system = await load(deploySystem);
    await system.oracleClient.setCreForwarder(FORWARDER);
    const out = path.join(dir, "existing.json");
    const committed = path.join(__dirname, "../../cre/gridmarket/config/config.sepolia.json");
    const before = JSON.parse(fs.readFileSync(committed, "utf8"));
    fs.writeFileSync(out, JSON.stringify({ ...before, schedule: "0 */5 * * * *", forwarder: "0x" + "11".repeat(20) }));

    const { lines } = await capture(() => hre.run("gridmarket:cre-config", { out, ...SEPOLIA }));

    expect(JSON.parse(fs.readFileSync(out, "utf8"))).to.deep.equal({
      ...before,
      schedule: "0 */5 * * * *",
      oracleClient: await system.oracleClient.getAddress(),
      forwarder: FORWARDER,
    });
    expect(lines.some((line) => line.includes("gridmarket:set-cre"))).to.equal(false);
  });

  it("refuses what would not make a working config", async () => {
    await load(deploySystem);
    const out = path.join(dir, "refused.json");

    expect(await runError("gridmarket:cre-config", { out, headEndUrl: "https://ami.example", ...SEPOLIA })).to.equal(
      "the OracleClient has no CRE forwarder yet: pass --forwarder, or run gridmarket:set-cre first",
    );
    expect(await runError("gridmarket:cre-config", { out, forwarder: "keystone", ...SEPOLIA })).to.equal(
      "--forwarder keystone names a Sepolia forwarder; on chain 31337 pass its address",
    );
    expect(
      await runError("gridmarket:cre-config", { out, forwarder: FORWARDER, headEndUrl: "https://a.example" }),
    ).to.equal(
      "--chain-selector-name: chain 31337 has no CRE name here (known chains: 80002, 84532, 421614, 11155111); " +
        "pass the name from CRE's chain-selectors list",
    );
    expect(await runError("gridmarket:cre-config", { out, forwarder: FORWARDER, ...SEPOLIA })).to.equal(
      "--head-end-url: the config has no head-end URL yet",
    );
    expect(
      await runError("gridmarket:cre-config", { out, forwarder: FORWARDER, headEndUrl: "ami", ...SEPOLIA }),
    ).to.equal(`${out}: the config would be invalid: headEnd.url: Invalid url`);
    expect(fs.existsSync(out)).to.equal(false);
    await run("gridmarket:cre-config", { out, forwarder: FORWARDER, headEndUrl: "http://127.0.0.1:8787", ...SEPOLIA });
    expect(fs.existsSync(out)).to.equal(true);
  });
});
