import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { ethers, ignition } from "hardhat";

import GridMarketModule from "../../deploy/modules/GridMarket";
import { DEFAULT_CAMPUS } from "../../scripts/ami/campus";
import { AmiServer, startAmiServer } from "../../scripts/ami/server";
import { AmiClient, checkedRows } from "../../lib/bridge/ami-client";
import { AmiBridge, BridgeOptions } from "../../lib/bridge/bridge";
import { backoffDelay, PermanentError, withRetry } from "../../lib/bridge/retry";
import { emptyState, loadState, saveState } from "../../lib/bridge/state";
import { RequestStatus } from "../../lib/enums";
import { GridToken__factory, OracleClient__factory, Registry__factory } from "../../typechain-types";

const WH = 10n ** 15n;
const INTERVAL = 900;
const FAST_RETRY = { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 };
/** Accepted / rejected reading event signatures, to count what reached the chain. */
const USER_TYPE = { prosumer: 1, consumer: 2 } as const;

async function deployFixture() {
  const signers = await ethers.getSigners();
  const admin = signers[0];
  const deployed = await ignition.deploy(GridMarketModule);
  const registry = Registry__factory.connect(await deployed.registry.getAddress(), admin);
  const grid = GridToken__factory.connect(await deployed.gridToken.getAddress(), admin);
  const oracle = OracleClient__factory.connect(await deployed.oracleClient.getAddress(), admin);
  // The campus: AMI-P001, AMI-P002 (rooftop PV) and AMI-C001; its clock says noon at `start`.
  const campus = { ...DEFAULT_CAMPUS, prosumers: 2, consumers: 1 };
  const owners = { "AMI-P001": signers[5], "AMI-P002": signers[6], "AMI-C001": signers[7] };
  const now = await time.latest();
  const start = now - (now % INTERVAL) + 2 * INTERVAL;
  return { admin, outsider: signers[4], registry, grid, oracle, campus, owners, start, dayStart: start - 12 * 3600 };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

async function register(f: Fixture, serials: (keyof Fixture["owners"])[]) {
  for (const serial of serials) {
    const owner = f.owners[serial];
    await f.registry.registerUser(
      owner.address,
      serial.startsWith("AMI-P") ? USER_TYPE.prosumer : USER_TYPE.consumer,
      serial,
    );
    await f.registry.assignMeter(ethers.encodeBytes32String(serial), owner.address);
  }
}

describe("AMI bridge", function () {
  let f: Fixture;
  let server: AmiServer;
  let dir: string;
  let statePath: string;

  const bridge = (overrides: Partial<BridgeOptions> = {}) =>
    new AmiBridge({
      oracle: f.oracle,
      registry: f.registry,
      signer: f.admin,
      ami: new AmiClient(server.url, FAST_RETRY),
      statePath,
      retry: FAST_RETRY,
      ...overrides,
    });

  /** Moves the chain and the head-end to `t`. */
  async function moveTo(t: number) {
    await time.increaseTo(t);
    server.clock.set(t);
  }

  /** Every reading event the oracle ever emitted, as "serial@readAt:outcome". */
  async function readingEvents(): Promise<string[]> {
    const accepted = await f.oracle.queryFilter(f.oracle.filters.ReadingAccepted());
    const rejected = await f.oracle.queryFilter(f.oracle.filters.ReadingRejected());
    return [
      ...accepted.map((e) => `${ethers.decodeBytes32String(e.args.meterId)}@${e.args.readAt}:accepted`),
      ...rejected.map(
        (e) => `${ethers.decodeBytes32String(e.args.meterId)}@${e.args.readAt}:rejected(${e.args.reason})`,
      ),
    ].sort();
  }

  beforeEach(async function () {
    f = await loadFixture(deployFixture);
    server = await startAmiServer({ ...f.campus, start: f.dayStart, now: f.start - 1 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bridge-test-"));
    statePath = path.join(dir, "state.json");
  });

  afterEach(async function () {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("#syncReadings", function () {
    it("sets each meter's baseline, then mints exactly the export registers' increase", async function () {
      await register(f, ["AMI-P001", "AMI-P002", "AMI-C001"]);
      await moveTo(f.start + 1);
      const b = bridge();
      const first = await b.syncReadings();
      expect(
        first.readings.map((r) => [ethers.decodeBytes32String(r.meterId), r.readAt, r.accepted, r.minted]),
      ).to.deep.equal([
        ["AMI-C001", f.start, true, 0n],
        ["AMI-P001", f.start, true, 0n],
        ["AMI-P002", f.start, true, 0n],
      ]);

      await moveTo(f.start + 2 * INTERVAL + 1);
      const before = await f.grid.balanceOf(f.owners["AMI-P001"].address);
      const second = await b.syncReadings();
      expect(second.transactions).to.equal(1);
      expect(second.readings.map((r) => r.readAt)).to.deep.equal([
        ...Array(3).fill(f.start + INTERVAL),
        ...Array(3).fill(f.start + 2 * INTERVAL),
      ]);
      const k0 = 48; // noon: the boundary index of `start` in the campus day
      const exported = (serial: string) =>
        BigInt(server.campus.registersAt(serial, k0 + 2).exportWh - server.campus.registersAt(serial, k0).exportWh) *
        WH;
      const mintedFor = (serial: string) =>
        second.readings
          .filter((r) => r.meterId === ethers.encodeBytes32String(serial))
          .reduce((s, r) => s + r.minted, 0n);
      expect(exported("AMI-P001")).to.be.greaterThan(0n);
      expect(mintedFor("AMI-P001")).to.equal(exported("AMI-P001"));
      expect(mintedFor("AMI-P002")).to.equal(exported("AMI-P002"));
      expect(mintedFor("AMI-C001")).to.equal(0n);
      const burned = second.readings
        .filter((r) => r.meterId === ethers.encodeBytes32String("AMI-P001"))
        .reduce((s, r) => s + r.burned, 0n);
      expect((await f.grid.balanceOf(f.owners["AMI-P001"].address)) - before).to.equal(exported("AMI-P001") - burned);
      const onChain = await f.oracle.getMeterState(ethers.encodeBytes32String("AMI-P002"));
      expect(onChain.lastReadAt).to.equal(BigInt(f.start + 2 * INTERVAL));
      expect(onChain.lastExportWh).to.equal(BigInt(server.campus.registersAt("AMI-P002", k0 + 2).exportWh));
      expect(onChain.lastImportWh).to.equal(BigInt(server.campus.registersAt("AMI-P002", k0 + 2).importWh));
    });

    it("survives a restart without submitting any reading twice", async function () {
      await register(f, ["AMI-P001", "AMI-P002", "AMI-C001"]);
      await moveTo(f.start + INTERVAL + 1);
      await bridge().syncReadings();
      const events = await readingEvents();
      expect(events).to.have.length(3);

      // A new process with the same state file: nothing new on the head-end, nothing sent.
      const restarted = bridge();
      const again = await restarted.syncReadings();
      expect(again.transactions).to.equal(0);
      expect(await readingEvents()).to.deep.equal(events);

      // One more interval: exactly one reading per meter, and never a stale (repeated) one.
      await moveTo(f.start + 2 * INTERVAL + 1);
      const next = await restarted.syncReadings();
      expect(next.readings.map((r) => [r.readAt, r.accepted])).to.deep.equal(
        Array(3).fill([f.start + 2 * INTERVAL, true]),
      );
      const all = await readingEvents();
      expect(all).to.have.length(6);
      expect(all.filter((e) => e.includes("rejected"))).to.deep.equal([]);
      expect(JSON.parse(fs.readFileSync(statePath, "utf8")).meters).to.deep.equal(restarted.cursors);
    });

    it("recovers from a crash between a mined transaction and the state write by reading the oracle", async function () {
      await register(f, ["AMI-P001", "AMI-P002", "AMI-C001"]);
      await moveTo(f.start + 1);
      await bridge().syncReadings();
      const stale = fs.readFileSync(statePath, "utf8");
      await moveTo(f.start + 3 * INTERVAL + 1);
      await bridge().syncReadings();
      const events = await readingEvents();
      expect(events).to.have.length(12);
      fs.writeFileSync(statePath, stale); // the state write of the last round was lost

      const recovered = bridge();
      const report = await recovered.syncReadings();
      expect(report.transactions).to.equal(0);
      expect(await readingEvents()).to.deep.equal(events);
      for (const serial of ["AMI-P001", "AMI-P002", "AMI-C001"]) {
        expect(recovered.cursors[ethers.encodeBytes32String(serial)]).to.equal(f.start + 3 * INTERVAL);
      }
    });

    it("leaves meters alone until they are assigned on-chain, then starts them with a baseline", async function () {
      await register(f, ["AMI-P001"]);
      await moveTo(f.start + 1);
      const b = bridge();
      expect((await b.syncReadings()).readings.map((r) => r.meterId)).to.deep.equal([
        ethers.encodeBytes32String("AMI-P001"),
      ]);
      await register(f, ["AMI-C001"]);
      await moveTo(f.start + INTERVAL + 1);
      const report = await b.syncReadings();
      expect(report.readings.map((r) => [ethers.decodeBytes32String(r.meterId), r.readAt, r.accepted])).to.deep.equal([
        ["AMI-C001", f.start + INTERVAL, true],
        ["AMI-P001", f.start + INTERVAL, true],
      ]);
      expect((await readingEvents()).filter((e) => e.includes("rejected"))).to.deep.equal([]);
    });

    it("stops submitting a meter once it is unassigned on-chain", async function () {
      await register(f, ["AMI-P001", "AMI-C001"]);
      await moveTo(f.start + 1);
      const b = bridge();
      expect((await b.syncReadings()).readings.length).to.equal(2);
      await f.registry.unassignMeter(ethers.encodeBytes32String("AMI-C001"));
      await moveTo(f.start + INTERVAL + 1);
      const report = await b.syncReadings();
      expect(report.readings.map((r) => [ethers.decodeBytes32String(r.meterId), r.readAt, r.accepted])).to.deep.equal([
        ["AMI-P001", f.start + INTERVAL, true],
      ]);
      // Unassigned meters would be rejected as MeterNotAssigned; none was sent.
      expect((await readingEvents()).filter((e) => e.includes("rejected"))).to.deep.equal([]);
    });

    it("retries while the head-end is unavailable", async function () {
      await register(f, ["AMI-P001"]);
      await moveTo(f.start + 1);
      const logs: string[] = [];
      const b = bridge({ ami: new AmiClient(server.url, FAST_RETRY, (m) => logs.push(m)) });
      await b.init();
      server.injectFailures(3);
      const report = await b.syncReadings();
      expect(report.readings).to.have.length(1);
      expect(logs.filter((l) => l.includes("503"))).to.have.length(3);
    });

    it("relays meter-signed readings through submitSignedReadings from any account", async function () {
      await register(f, ["AMI-P001", "AMI-P002"]);
      const keys = new Map<string, Wallet>();
      for (const serial of ["AMI-P001", "AMI-P002"]) {
        const key = Wallet.createRandom();
        keys.set(serial, new Wallet(key.privateKey));
        await f.registry.setMeterSigner(ethers.encodeBytes32String(serial), key.address);
      }
      expect(await f.oracle.isOracleOperator(f.outsider.address)).to.equal(false);
      await moveTo(f.start + 1);
      const relay = bridge({ signer: f.outsider, meterKeys: keys });
      await relay.syncReadings();
      await moveTo(f.start + INTERVAL + 1);
      const report = await relay.syncReadings();
      expect(report.readings.map((r) => r.accepted)).to.deep.equal([true, true]);
      expect(report.readings.reduce((s, r) => s + r.minted, 0n)).to.be.greaterThan(0n);
    });

    it("stops with the oracle's custom error when the signer may not submit", async function () {
      await register(f, ["AMI-P001"]);
      await moveTo(f.start + 1);
      await expect(bridge({ signer: f.outsider }).syncReadings()).to.be.rejectedWith(
        PermanentError,
        `the oracle refused the transaction: OracleClientNotOracleOperator(${f.outsider.address})`,
      );
      expect(await readingEvents()).to.deep.equal([]);
    });
  });

  describe("#answerRequests", function () {
    it("fulfils EnergyDataRequested with an on-demand read, once", async function () {
      await register(f, ["AMI-P001", "AMI-C001"]);
      await moveTo(f.start + 1);
      const b = bridge();
      await b.syncReadings();
      const meter = ethers.encodeBytes32String("AMI-P001");
      await f.oracle.connect(f.owners["AMI-P001"]).requestEnergyData(meter);
      await moveTo(f.start + 400);
      const report = await b.answerRequests();
      expect(report.requestsAnswered).to.equal(1);
      expect(report.readings.map((r) => [r.meterId, r.readAt, r.accepted])).to.deep.equal([
        [meter, f.start + 400, true],
      ]);
      const fulfilled = await f.oracle.queryFilter(f.oracle.filters.EnergyDataFulfilled());
      expect(fulfilled.map((e) => [e.args.requestId, e.args.meterId, e.args.operator, e.args.accepted])).to.deep.equal([
        [1n, meter, f.admin.address, true],
      ]);
      expect((await f.oracle.getRequest(1)).status).to.equal(BigInt(RequestStatus.Fulfilled));

      // Answered requests are not answered again, and the scheduled reading after it still goes through.
      expect((await b.answerRequests()).requestsAnswered).to.equal(0);
      await moveTo(f.start + INTERVAL + 1);
      const next = await bridge().step();
      expect(next.readings.map((r) => [ethers.decodeBytes32String(r.meterId), r.readAt])).to.deep.equal([
        ["AMI-C001", f.start + INTERVAL],
        ["AMI-P001", f.start + INTERVAL],
      ]);
      expect((await readingEvents()).filter((e) => e.includes("rejected"))).to.deep.equal([]);
    });

    it("finds a request across several chunks of GRIDMARKET_LOG_CHUNK blocks and saves the scanned block", async function () {
      await register(f, ["AMI-P001"]);
      await moveTo(f.start + 1);
      const b = bridge();
      await b.syncReadings();
      const first = await ethers.provider.getBlockNumber();
      await mine(7);
      await f.oracle.connect(f.owners["AMI-P001"]).requestEnergyData(ethers.encodeBytes32String("AMI-P001"));
      await moveTo(f.start + 400);
      const latest = await ethers.provider.getBlockNumber();
      process.env.GRIDMARKET_LOG_CHUNK = "3";
      try {
        expect((await b.answerRequests()).requestsAnswered).to.equal(1);
      } finally {
        delete process.env.GRIDMARKET_LOG_CHUNK;
      }
      expect(JSON.parse(fs.readFileSync(statePath, "utf8")).lastScannedBlock).to.equal(latest);
      expect(latest - first).to.be.greaterThan(6);
    });

    it("drops requests that expired before it saw them", async function () {
      await register(f, ["AMI-P001"]);
      await moveTo(f.start + 1);
      const b = bridge();
      await b.syncReadings();
      await f.oracle.requestEnergyData(ethers.encodeBytes32String("AMI-P001"));
      await moveTo(f.start + 2 * 3600);
      const report = await b.answerRequests();
      expect([report.requestsAnswered, report.requestsDropped]).to.deep.equal([0, 1]);
      expect(JSON.parse(fs.readFileSync(statePath, "utf8")).pendingRequests).to.deep.equal([]);
    });
  });

  describe("state file", function () {
    it("is written atomically and refuses another oracle's state", async function () {
      const state = emptyState(31337n, "0x000000000000000000000000000000000000dEaD", 5);
      state.meters["0xab"] = 42;
      saveState(statePath, state);
      expect(fs.readdirSync(dir)).to.deep.equal(["state.json"]);
      expect(loadState(statePath, 31337n, "0x000000000000000000000000000000000000dead")!.meters).to.deep.equal({
        "0xab": 42,
      });
      await expect(bridge().init()).to.be.rejectedWith(
        Error,
        `belongs to oracle 0x000000000000000000000000000000000000dead on chain 31337`,
      );
    });
  });

  describe("head-end answers", function () {
    const row = (readAt: number, exportWh = 100) => ({
      serial: "AMI-P001",
      meterId: ethers.encodeBytes32String("AMI-P001"),
      exportWh,
      importWh: 5,
      readAt,
    });

    it("drops exact repeats of a row", function () {
      expect(checkedRows([row(900), row(900), row(1800)])).to.deep.equal([row(900), row(1800)]);
    });

    it("refuses a malformed row or two different rows for one meter and time, so the answer is retried", function () {
      expect(() => checkedRows([row(900), { ...row(1800), exportWh: "12" }])).to.throw(
        'head-end answered with a malformed reading: {"serial":"AMI-P001"',
      );
      expect(() => checkedRows([{ ...row(900), exportWh: -1 }])).to.throw("malformed reading");
      expect(() => checkedRows([{ ...row(900), meterId: "0x12" }])).to.throw("malformed reading");
      expect(() => checkedRows([row(900, 100), row(900, 101)])).to.throw(
        "head-end answered with two different readings for AMI-P001 at 900",
      );
      expect(() => checkedRows(undefined)).to.throw("head-end answered without a readings list");
    });
  });

  describe("retry", function () {
    it("doubles the delay up to the cap, with ±20 % jitter", function () {
      const opts = { attempts: 9, baseDelayMs: 100, maxDelayMs: 1000 };
      expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 0.5))).to.deep.equal([100, 200, 400, 800, 1000]);
      expect(backoffDelay(1, opts, () => 0)).to.equal(80);
      expect(backoffDelay(1, opts, () => 0.999999)).to.equal(120);
    });

    it("does not retry permanent errors", async function () {
      let calls = 0;
      await expect(
        withRetry(
          "x",
          async () => {
            calls++;
            throw new PermanentError("no");
          },
          FAST_RETRY,
        ),
      ).to.be.rejectedWith(PermanentError, "no");
      expect(calls).to.equal(1);
    });
  });
});
