import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";

import { DEFAULT_CAMPUS } from "../../scripts/ami/campus";
import { AmiServer, startAmiServer } from "../../scripts/ami/server";
import "../../tasks/bridge";
import { capture, deploySystem, load, System } from "../tasks/helpers";

describe("gridmarket:bridge task", function () {
  let system: System;
  let server: AmiServer;
  let dir: string;
  let start: number;

  beforeEach(async function () {
    system = await load(deploySystem);
    const [, , , , , owner] = await ethers.getSigners();
    await system.registry.registerUser(owner.address, 1, "Laboratory A");
    await system.registry.assignMeter(ethers.encodeBytes32String("AMI-P001"), owner.address);
    const now = await time.latest();
    start = now - (now % 900) + 1800;
    server = await startAmiServer({
      ...DEFAULT_CAMPUS,
      prosumers: 1,
      consumers: 0,
      start: start - 12 * 3600,
      now: start + 901,
    });
    await time.increaseTo(start + 901);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bridge-task-"));
  });

  afterEach(async function () {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs one round with --once and a second run sends nothing", async function () {
    const state = path.join(dir, "state.json");
    const first = await capture(() => hre.run("gridmarket:bridge", { ami: server.url, state, once: true }));
    expect(first.lines).to.include(
      `  head-end ${server.url}: 1 meter(s), clock ${new Date((start + 901) * 1000).toISOString()}`,
    );
    expect(first.lines[first.lines.length - 1]).to.match(
      /^ {2}1 readings \(0 rejected\) in 1 transactions, 0 requests answered, gas \d+$/,
    );
    const meter = await system.oracleClient.getMeterState(ethers.encodeBytes32String("AMI-P001"));
    expect(JSON.parse(fs.readFileSync(state, "utf8")).meters).to.deep.equal({
      [ethers.encodeBytes32String("AMI-P001")]: Number(meter.lastReadAt),
    });

    const second = await capture(() => hre.run("gridmarket:bridge", { ami: server.url, state, once: true }));
    expect(second.lines[second.lines.length - 1]).to.equal(
      "  0 readings (0 rejected) in 0 transactions, 0 requests answered, gas 0",
    );
  });

  it("refuses a head-end that does not answer", async function () {
    await server.close();
    server = await startAmiServer({ ...DEFAULT_CAMPUS, prosumers: 1, consumers: 0, start: 0, now: 1 });
    const url = server.url.replace(/:\d+$/, ":9");
    await expect(
      capture(() => hre.run("gridmarket:bridge", { ami: url, state: path.join(dir, "s.json"), once: true })),
    ).to.be.rejectedWith(`the head-end at ${url} does not answer`);
  });
});
