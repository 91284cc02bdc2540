// The CRE workflow's bytes reach the contracts (SPEC 12): the exact payloads the workflow's unit tests capture from
// the EVM write capability (cre/test/fixtures/*.json, compared byte for byte by `npm run cre:test`) are signed by a
// four-node test DON and delivered through Chainlink's own KeystoneForwarder (@chainlink/contracts 1.2.0, solc
// 0.8.24) to the OracleClient of the GridMarket Ignition deployment.
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { Interface, Wallet } from "ethers";
import { ethers } from "hardhat";
import fs from "node:fs";
import path from "node:path";

import { ORACLE_CLIENT_ABI } from "../../cre/gridmarket/abi";
import { MAX_BATCH_LENGTH } from "../../cre/gridmarket/config";
import {
  encodeClearingReport as workflowClearingReport,
  encodeReadingsReport as workflowReadingsReport,
  REPORT_CLEARING,
  REPORT_READINGS,
} from "../../cre/gridmarket/reports";
import {
  type CreReportHeader,
  decodeReport,
  encodeClearingReport,
  encodeCreMetadata,
  encodeRawReport,
  encodeReadingsReport,
  RAW_REPORT_HEADER_LENGTH,
  RAW_REPORT_METADATA_OFFSET,
  ReportKind,
} from "../../lib/cre";
import { EpochStatus, RejectReason, UserType, Work } from "../../lib/enums";
import { KWH, USDC, WH } from "../../lib/units";
import type { KeystoneForwarder } from "../../typechain-types";
import { DEFAULT_CAMPUS } from "../../scripts/ami/campus";
import { startAmiServer } from "../../scripts/ami/server";
import { deployMarket } from "../fixtures";

const FIXTURES = path.join(__dirname, "../../cre/test/fixtures");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
const READINGS_PAYLOAD: string = fixture("readings-report.json").payload;
const CLEARING_PAYLOAD: string = fixture("clearing-report.json").payload;
const HEAD_END: {
  readings: { serial: string; meterId: string; exportWh: number; importWh: number; readAt: number }[];
} = fixture("head-end-readings.json");

const DON_ID = 1;
const CONFIG_VERSION = 1;
const WORKFLOW_ID = ethers.id("gridmarket workflow, version 1");
const WORKFLOW_NAME = "gridmarket-sepolia";
const REPORT_ID = "0x0001";
/** The 96-byte OCR report context the DON signs along with the raw report (config digest, sequence, extra hash). */
const REPORT_CONTEXT = ethers.concat([ethers.id("config digest"), ethers.toBeHex(42, 32), ethers.ZeroHash]);
const TransmissionState = { NotAttempted: 0n, Succeeded: 1n, Failed: 2n } as const;

// ─────────────────────────────────────────── system ────────────────────────────────────────────

/** The market as Ignition deploys it, the campus of the head-end fixture registered, and a KeystoneForwarder
 * configured with four DON signers (f = 1, so two signatures per report) set as the OracleClient's CRE forwarder. */
async function deployCreSystem() {
  const [admin, p1, p2, p3, c1, c2, workflowOwner, transmitter, stranger] = await ethers.getSigners();
  const market = await deployMarket();
  const { registry, oracleClient: oracle } = market;

  const don = Array.from({ length: 4 }, (_, i) => new ethers.Wallet(ethers.id(`DON node ${i}`)));
  const forwarder = (await (
    await ethers.getContractFactory("KeystoneForwarder")
  ).deploy()) as unknown as KeystoneForwarder;
  await forwarder.setConfig(
    DON_ID,
    CONFIG_VERSION,
    1,
    don.map((w) => w.address),
  );
  await oracle.setCreForwarder(forwarder);
  await oracle.setCreWorkflow(WORKFLOW_ID, workflowOwner.address);

  const owners = { "AMI-P001": p1, "AMI-P002": p2, "AMI-P003": p3, "AMI-C001": c1, "AMI-C002": c2 };
  for (const [serial, owner] of Object.entries(owners)) {
    const type = serial.startsWith("AMI-P") ? UserType.Prosumer : UserType.Consumer;
    await registry.registerUser(owner.address, type, `campus ${serial}`);
    await registry.assignMeter(ethers.encodeBytes32String(serial), owner.address);
  }
  return { ...market, oracle, forwarder, don, admin, p1, p2, p3, c1, c2, workflowOwner, transmitter, stranger };
}

type System = Awaited<ReturnType<typeof deployCreSystem>>;

let executions = 0;

/** The header a DON puts before `payload`: a fresh execution id each time, the test workflow by default. */
function header(overrides: Partial<CreReportHeader> = {}): CreReportHeader {
  executions++;
  return {
    executionId: ethers.id(`execution ${executions}`),
    timestamp: 1_767_270_605,
    donId: DON_ID,
    donConfigVersion: CONFIG_VERSION,
    workflowId: WORKFLOW_ID,
    workflowName: WORKFLOW_NAME,
    workflowOwner: "",
    reportId: REPORT_ID,
    ...overrides,
  };
}

/** Each signer's signature as the forwarder verifies it: over keccak256(keccak256(rawReport) ‖ reportContext),
 * 65 bytes `r ‖ s ‖ v` with v ∈ {0, 1}. */
function sign(rawReport: string, signers: Wallet[]): string[] {
  const digest = ethers.keccak256(ethers.concat([ethers.keccak256(rawReport), REPORT_CONTEXT]));
  return signers.map((w) => {
    const signature = w.signingKey.sign(digest);
    return ethers.concat([signature.r, signature.s, ethers.toBeHex(signature.yParity, 1)]);
  });
}

/** Sends `payload` through the forwarder as the DON's transmitter would; returns the transaction and its header. */
async function deliver(s: System, payload: string, overrides: Partial<CreReportHeader> = {}) {
  const h = header({ workflowOwner: s.workflowOwner.address, ...overrides });
  const rawReport = encodeRawReport(h, payload);
  const tx = await s.forwarder
    .connect(s.transmitter)
    .report(await s.oracle.getAddress(), rawReport, REPORT_CONTEXT, sign(rawReport, s.don.slice(0, 2)));
  return { tx, header: h, rawReport };
}

const meter = (serial: string) => ethers.encodeBytes32String(serial);

// ──────────────────────────────────────────── tests ────────────────────────────────────────────

describe("CRE workflow reports through the KeystoneForwarder", function () {
  describe("the workflow's encodings", function () {
    it("are byte-identical to lib/cre.ts for the head-end fixture and the clearing trigger", function () {
      const readings = HEAD_END.readings
        .map((r) => ({
          meterId: r.meterId,
          exportWh: BigInt(r.exportWh),
          importWh: BigInt(r.importWh),
          readAt: BigInt(r.readAt),
        }))
        .sort((a, b) => Number(a.readAt - b.readAt) || a.meterId.localeCompare(b.meterId));

      expect(encodeReadingsReport(readings)).to.equal(READINGS_PAYLOAD);
      expect(workflowReadingsReport(readings as Parameters<typeof workflowReadingsReport>[0])).to.equal(
        READINGS_PAYLOAD,
      );
      expect(decodeReport(READINGS_PAYLOAD)).to.deep.equal({ kind: ReportKind.Readings, readings });
      expect(encodeClearingReport()).to.equal(CLEARING_PAYLOAD);
      expect(workflowClearingReport()).to.equal(CLEARING_PAYLOAD);
    });

    it("use the OracleClient's report kinds, batch limit and view signatures", async function () {
      const { oracle } = await loadFixture(deployCreSystem);

      expect([REPORT_READINGS, REPORT_CLEARING]).to.deep.equal([ReportKind.Readings, ReportKind.Clearing]);
      expect(await oracle.REPORT_READINGS()).to.equal(BigInt(REPORT_READINGS));
      expect(await oracle.REPORT_CLEARING()).to.equal(BigInt(REPORT_CLEARING));
      expect(await oracle.MAX_BATCH_LENGTH()).to.equal(BigInt(MAX_BATCH_LENGTH));
      const compiled: Interface = oracle.interface;
      const fragments: string[] = [];
      new ethers.Interface(ORACLE_CLIENT_ABI).forEachFunction((f) => {
        expect(f.format("full")).to.equal(compiled.getFunction(f.name)?.format("full"));
        fragments.push(f.name);
      });
      expect(fragments.sort()).to.deep.equal(["checkUpkeep", "creForwarder"]);
    });
  });

  describe("lib/cre.ts", function () {
    it("refuses header fields of the wrong size", function () {
      const h = header({ workflowOwner: ethers.ZeroAddress });
      expect(() => encodeRawReport({ ...h, executionId: "0x01" }, "0x")).to.throw("executionId 0x01 is not 32 bytes");
      expect(() => encodeCreMetadata({ ...h, workflowId: "0x1234" })).to.throw(
        "workflowId 0x1234 is not 32 bytes of hex",
      );
      expect(() => encodeCreMetadata({ ...h, reportId: "0x000001" })).to.throw(
        "reportId 0x000001 is not 2 bytes of hex",
      );
    });

    it("lays the raw report out as the forwarder reads it", function () {
      const h = header({ workflowOwner: "0x00000000000000000000000000000000000000aa", timestamp: 0x01020304 });
      const raw = encodeRawReport({ ...h, donId: 7, donConfigVersion: 9 }, "0xbeef");

      expect(ethers.dataLength(raw)).to.equal(RAW_REPORT_HEADER_LENGTH + 2);
      expect(ethers.dataSlice(raw, 0, 1)).to.equal("0x01");
      expect(ethers.dataSlice(raw, 1, 33)).to.equal(h.executionId);
      expect(ethers.dataSlice(raw, 33, 45)).to.equal("0x010203040000000700000009");
      expect(ethers.dataSlice(raw, RAW_REPORT_HEADER_LENGTH)).to.equal("0xbeef");
    });
  });

  describe("the head-end fixture", function () {
    it("is what the mock head-end (scripts/ami) serves for the workflow's window", async function () {
      const start = 1_767_225_600; // 2026-01-01 00:00 UTC; the window is 12:00–12:30
      const server = await startAmiServer({
        ...DEFAULT_CAMPUS,
        prosumers: 3,
        consumers: 2,
        start,
        now: start + 45_060,
      });
      try {
        const response = await fetch(`${server.url}/readings?since=1767268800&until=1767270600`);
        expect(await response.json()).to.deep.equal(HEAD_END);
      } finally {
        await server.close();
      }
    });
  });

  describe("a readings report", function () {
    it("reaches onReport as 64 bytes of metadata and the payload, and mints the exported energy", async function () {
      const s = await loadFixture(deployCreSystem);
      const { gridToken, oracle, forwarder, p1, p2, p3, c1, c2 } = s;

      const { tx, header: h, rawReport } = await deliver(s, READINGS_PAYLOAD);

      // The first reading of each meter (12:15) sets its baseline; the second (12:30) mints the export since.
      await expect(tx).to.changeTokenBalances(
        gridToken,
        [p1, p2, p3, c1, c2],
        [518n * WH, 2_288n * WH, 2_874n * WH, 0n, 0n],
      );
      await expect(tx)
        .to.emit(forwarder, "ReportProcessed")
        .withArgs(await oracle.getAddress(), h.executionId, REPORT_ID, true);
      await expect(tx)
        .to.emit(oracle, "ReportProcessed")
        .withArgs(ReportKind.Readings, WORKFLOW_ID, s.workflowOwner.address);
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(meter("AMI-P003"), p3.address, 1_767_270_600n, 16_270_969n, 35_157_328n, 2_874n * WH, 0n);
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(meter("AMI-C001"), c1.address, 1_767_270_600n, 0n, 36_139_744n, 0n, 0n);
      expect(await gridToken.totalSupply()).to.equal(5_680n * WH);
      // metadata = workflowId (32) | the first 10 hex characters of sha256("gridmarket-sepolia") (10) | owner (20) | id (2)
      expect(ethers.dataSlice(rawReport, RAW_REPORT_METADATA_OFFSET, RAW_REPORT_HEADER_LENGTH)).to.equal(
        ethers
          .concat([WORKFLOW_ID, ethers.toUtf8Bytes("1fbc9cc085"), s.workflowOwner.address, REPORT_ID])
          .toLowerCase(),
      );
      expect(ethers.dataSlice(rawReport, RAW_REPORT_HEADER_LENGTH)).to.equal(READINGS_PAYLOAD);
      expect(await forwarder.getTransmissionState(oracle, h.executionId, REPORT_ID)).to.equal(
        TransmissionState.Succeeded,
      );
    });

    it("is never applied twice, even as a new execution", async function () {
      const s = await loadFixture(deployCreSystem);
      await deliver(s, READINGS_PAYLOAD);

      const { tx } = await deliver(s, READINGS_PAYLOAD);

      await expect(tx).to.changeTokenBalances(s.gridToken, [s.p1, s.p2, s.p3], [0n, 0n, 0n]);
      const rejected = await s.oracle.queryFilter(s.oracle.filters.ReadingRejected(), (await tx.wait())!.blockNumber);
      expect(rejected.map((e) => [e.args.meterId, e.args.readAt, e.args.reason])).to.deep.equal(
        [...HEAD_END.readings]
          .sort((a, b) => a.readAt - b.readAt || a.meterId.localeCompare(b.meterId))
          .map((r) => [r.meterId, BigInt(r.readAt), BigInt(RejectReason.StaleReading)]),
      );
    });
  });

  describe("the committed target configs", function () {
    for (const target of ["sepolia", "simulation"]) {
      it(`config.${target}.json: a full readings report of the costliest readings fits its gas limit @skip-on-coverage`, async function () {
        const config = JSON.parse(
          fs.readFileSync(path.join(__dirname, `../../cre/gridmarket/config/config.${target}.json`), "utf8"),
        );
        const s = await loadFixture(deployCreSystem);
        const count = config.maxReadingsPerReport as number;
        // One fresh owner per meter: each reading mints to an owner holding no GRID and burns part of it again.
        const owners = Array.from({ length: count }, (_, i) => ethers.computeAddress(ethers.id(`owner ${i}`)));
        const meters = owners.map((_, i) => ethers.encodeBytes32String(`GAS-${i}`));
        for (const [i, owner] of owners.entries()) {
          await s.registry.registerUser(owner, UserType.Prosumer, "gas");
          await s.registry.assignMeter(meters[i], owner);
        }
        const now = BigInt(await time.latest());
        await s.oracle.submitReadings(
          meters.map((meterId) => ({ meterId, exportWh: 0n, importWh: 0n, readAt: now - 1_800n })),
        );
        const report = encodeReadingsReport(
          meters.map((meterId) => ({ meterId, exportWh: 1_000n, importWh: 400n, readAt: now - 900n })),
        );

        const h = header({ workflowOwner: s.workflowOwner.address });
        const rawReport = encodeRawReport(h, report);
        const tx = await s.forwarder
          .connect(s.transmitter)
          .report(s.oracle, rawReport, REPORT_CONTEXT, sign(rawReport, s.don.slice(0, 2)), {
            gasLimit: BigInt(config.gasLimit.readings),
          });

        await expect(tx)
          .to.emit(s.forwarder, "ReportProcessed")
          .withArgs(await s.oracle.getAddress(), h.executionId, REPORT_ID, true);
        expect(await s.gridToken.totalSupply()).to.equal(BigInt(count) * 600n * WH);
        // Delivered within the limit, with at least 10% to spare (about 62,600 gas a reading, signatures included).
        const { gasUsed } = (await tx.wait())!;
        expect(gasUsed * 10n < BigInt(config.gasLimit.readings) * 9n).to.equal(true);
      });
    }
  });

  describe("a clearing report", function () {
    it("matches and settles the epoch that ended", async function () {
      const s = await loadFixture(deployCreSystem);
      const { trading, gridToken, paymentToken, oracle, p2, c1 } = s;
      await deliver(s, READINGS_PAYLOAD);
      const epoch = await trading.currentEpoch();
      await gridToken.connect(p2).approve(trading, 2n * KWH);
      await trading.connect(p2).createSellOrder(2n * KWH, 150_000n);
      await paymentToken.mint(c1.address, 10n * USDC);
      await paymentToken.connect(c1).approve(trading, 200_000n);
      await trading.connect(c1).createBuyOrder(1n * KWH, 200_000n);
      await time.increaseTo(await trading.epochEnd(epoch));
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);

      const { tx } = await deliver(s, CLEARING_PAYLOAD);

      await expect(tx)
        .to.emit(trading, "EpochMatched")
        .withArgs(epoch, 175_000n, 1n * KWH, 200_000n, 150_000n);
      await expect(tx)
        .to.emit(trading, "EpochSettled")
        .withArgs(epoch, 1n * KWH, 175_000n, 0n, s.admin.address);
      await expect(tx)
        .to.emit(oracle, "ReportProcessed")
        .withArgs(ReportKind.Clearing, WORKFLOW_ID, s.workflowOwner.address);
      await expect(tx).to.changeTokenBalances(gridToken, [c1], [1n * KWH]);
      const result = await trading.getEpochResult(epoch);
      expect([result.status, result.clearingPrice, result.volume]).to.deep.equal([
        BigInt(EpochStatus.Settled),
        175_000n,
        1n * KWH,
      ]);
      expect(await trading.accountBalance(p2.address, paymentToken)).to.equal(175_000n);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.None), 0n]);
    });
  });

  describe("a report the OracleClient must refuse", function () {
    /** What the forwarder passes to onReport for `h`, replayed from the forwarder's own address to read the error. */
    async function onReportFromForwarder(s: System, h: CreReportHeader, payload: string) {
      const address = await s.forwarder.getAddress();
      await setBalance(address, 10n ** 18n);
      const forwarder = await ethers.getImpersonatedSigner(address);
      return s.oracle.connect(forwarder).onReport(encodeCreMetadata(h), payload);
    }

    it("from another workflow id: delivery fails, nothing is minted", async function () {
      const s = await loadFixture(deployCreSystem);
      const otherId = ethers.id("somebody else's workflow");

      const { tx, header: h } = await deliver(s, READINGS_PAYLOAD, { workflowId: otherId });

      await expect(tx)
        .to.emit(s.forwarder, "ReportProcessed")
        .withArgs(await s.oracle.getAddress(), h.executionId, REPORT_ID, false);
      await expect(tx).to.changeTokenBalances(s.gridToken, [s.p1, s.p2, s.p3], [0n, 0n, 0n]);
      await expect(tx).not.to.emit(s.oracle, "ReadingAccepted");
      expect(await s.forwarder.getTransmissionState(s.oracle, h.executionId, REPORT_ID)).to.equal(
        TransmissionState.Failed,
      );
      await expect(onReportFromForwarder(s, h, READINGS_PAYLOAD))
        .to.be.revertedWithCustomError(s.oracle, "OracleClientUnauthorizedWorkflow")
        .withArgs(otherId, s.workflowOwner.address);
    });

    it("from another workflow owner: delivery fails, nothing is minted", async function () {
      const s = await loadFixture(deployCreSystem);

      const { tx, header: h } = await deliver(s, READINGS_PAYLOAD, { workflowOwner: s.stranger.address });

      await expect(tx)
        .to.emit(s.forwarder, "ReportProcessed")
        .withArgs(await s.oracle.getAddress(), h.executionId, REPORT_ID, false);
      expect(await s.gridToken.totalSupply()).to.equal(0n);
      await expect(onReportFromForwarder(s, h, READINGS_PAYLOAD))
        .to.be.revertedWithCustomError(s.oracle, "OracleClientUnauthorizedWorkflow")
        .withArgs(WORKFLOW_ID, s.stranger.address);
    });

    it("signed by a key outside the DON: the forwarder reverts", async function () {
      const s = await loadFixture(deployCreSystem);
      const outsider = new ethers.Wallet(ethers.id("not a DON node"));
      const rawReport = encodeRawReport(header({ workflowOwner: s.workflowOwner.address }), READINGS_PAYLOAD);

      await expect(
        s.forwarder
          .connect(s.transmitter)
          .report(s.oracle, rawReport, REPORT_CONTEXT, sign(rawReport, [s.don[0], outsider])),
      )
        .to.be.revertedWithCustomError(s.forwarder, "InvalidSigner")
        .withArgs(outsider.address);
    });
  });
});
