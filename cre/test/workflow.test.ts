// Unit tests of the GridMarket CRE workflow under the SDK's test runtime (`bun test`): the head-end and the
// OracleClient are capability mocks; the payloads the workflow writes are compared with the committed fixtures that
// test/cre/workflowReports.test.ts delivers through Chainlink's KeystoneForwarder.
import { describe, expect } from "bun:test";
import path from "node:path";

import { newTestRuntime, test } from "@chainlink/cre-sdk/test";
import { decodeAbiParameters, type Hex, parseAbiParameters } from "viem";

import { type Config, configSchema } from "../gridmarket/config";
import { HeadEndError } from "../gridmarket/headEnd";
import { initWorkflow, onCron } from "../gridmarket/workflow";
import {
  API_KEY,
  CONFIG,
  cronPayload,
  expectFixture,
  FORWARDER,
  mockHeadEnd,
  mockOracle,
  ORACLE,
  readFixture,
  SCHEDULED_AT,
  SECRETS,
} from "./helpers";

const HEAD_END_BODY = await readFixture("head-end-readings.json");
const READINGS_PAYLOAD: Hex = JSON.parse(await readFixture("readings-report.json")).payload;
const CLEARING_PAYLOAD: Hex = JSON.parse(await readFixture("clearing-report.json")).payload;
const WINDOW_URL = "https://ami.campus.example/api/readings?since=1767268800&until=1767270600";

function run(config: Config = CONFIG): string {
  const runtime = newTestRuntime<Config>(SECRETS, {}, config);
  return onCron(runtime, cronPayload(SCHEDULED_AT));
}

function decodeReadings(payload: Hex) {
  const [kind, inner] = decodeAbiParameters(parseAbiParameters("uint8, bytes"), payload);
  expect(kind).toBe(1);
  const [rows] = decodeAbiParameters(
    parseAbiParameters("(bytes32 meterId, uint64 exportWh, uint64 importWh, uint64 readAt)[]"),
    inner,
  );
  return rows;
}

describe("onCron", () => {
  describe("when the head-end has new readings and no clearing is due", () => {
    test("writes one readings report with every reading of the window, in time order", async () => {
      const requests = mockHeadEnd([{ status: 200, body: HEAD_END_BODY }]);
      const written = mockOracle();

      expect(run()).toBe("readings: 10; clearing: none");

      expect(requests).toEqual([
        { url: WINDOW_URL, headers: { accept: "application/json", authorization: `Bearer ${API_KEY}` } },
      ]);
      expect(written).toHaveLength(1);
      expect(written[0].receiver).toBe(ORACLE.toLowerCase() as Hex);
      expect(written[0].gasLimit).toBe("4500000");
      const rows = decodeReadings(written[0].payload);
      expect(rows).toHaveLength(10);
      expect(rows[0]).toEqual({
        meterId: "0x414d492d43303031000000000000000000000000000000000000000000000000",
        exportWh: 0n,
        importWh: 36138697n,
        readAt: 1767269700n,
      });
      expect(rows.map((r) => r.readAt)).toEqual([...Array(5).fill(1767269700n), ...Array(5).fill(1767270600n)]);
      await expectFixture("readings-report.json", { receiver: ORACLE, payload: written[0].payload });
    });

    test("follows the head-end's pages and writes the same report", () => {
      const all = JSON.parse(HEAD_END_BODY);
      const first = { ...all, until: 1767269700, hasMore: true, readings: all.readings.slice(0, 5) };
      const second = { ...all, since: 1767269700, readings: all.readings.slice(5) };
      const requests = mockHeadEnd([
        { status: 200, body: JSON.stringify(first) },
        { status: 200, body: JSON.stringify(second) },
      ]);
      const written = mockOracle();

      expect(run()).toBe("readings: 10; clearing: none");

      expect(requests.map((r) => r.url)).toEqual([
        WINDOW_URL,
        "https://ami.campus.example/api/readings?since=1767269700&until=1767270600",
      ]);
      expect(written.map((w) => w.payload)).toEqual([READINGS_PAYLOAD]);
    });

    test("splits the readings into reports of at most maxReadingsPerReport", () => {
      mockHeadEnd([{ status: 200, body: HEAD_END_BODY }]);
      const written = mockOracle();

      expect(run({ ...CONFIG, maxReadingsPerReport: 4 })).toBe("readings: 10; clearing: none");

      expect(written.map((w) => decodeReadings(w.payload).length)).toEqual([4, 4, 2]);
      const whole = decodeReadings(READINGS_PAYLOAD);
      expect(written.flatMap((w) => decodeReadings(w.payload))).toEqual([...whole]);
    });

    test("sends no Authorization header when no API key secret is configured", () => {
      const requests = mockHeadEnd([{ status: 200, body: HEAD_END_BODY }]);
      mockOracle();
      const { apiKeySecret: _, ...headEnd } = CONFIG.headEnd;

      run({ ...CONFIG, headEnd });

      expect(requests[0].headers).toEqual({ accept: "application/json" });
    });
  });

  describe("when clearing work is pending", () => {
    test("writes a clearing report after the readings", async () => {
      mockHeadEnd([{ status: 200, body: HEAD_END_BODY }]);
      const written = mockOracle({ pending: { work: "Match", epoch: 1963633n } });

      expect(run()).toBe("readings: 10; clearing: Match epoch 1963633");

      expect(written).toHaveLength(2);
      expect(written[1].gasLimit).toBe("5000000");
      expect(written[1].payload).toBe(
        "0x000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000400000000000000000000000000000000000000000000000000000000000000000",
      );
      await expectFixture("clearing-report.json", { receiver: ORACLE, payload: written[1].payload });
    });

    test("writes only the clearing report when the window holds no readings", () => {
      mockHeadEnd([{ status: 200, body: JSON.stringify({ since: 0, until: 0, hasMore: false, readings: [] }) }]);
      const written = mockOracle({ pending: { work: "Settle", epoch: 4n } });

      expect(run()).toBe("readings: 0; clearing: Settle epoch 4");

      expect(written.map((w) => w.payload)).toEqual([CLEARING_PAYLOAD]);
    });
  });

  describe("when there is nothing to do", () => {
    test("writes nothing", () => {
      mockHeadEnd([{ status: 200, body: JSON.stringify({ hasMore: false, readings: [] }) }]);
      const written = mockOracle();

      expect(run()).toBe("readings: 0; clearing: none");

      expect(written).toEqual([]);
    });
  });

  describe("when the head-end fails", () => {
    test("writes no readings and fails the run", () => {
      mockHeadEnd([{ status: 503, body: '{"error":"head-end unavailable (maintenance)"}' }]);
      const written = mockOracle();

      expect(() => run()).toThrow(
        new HeadEndError(
          `GET ${WINDOW_URL}: the head-end answered 503: {"error":"head-end unavailable (maintenance)"}`,
        ),
      );

      expect(written).toEqual([]);
    });

    test("still clears the market, then fails the run", () => {
      mockHeadEnd([{ status: 500, body: "internal error" }]);
      const written = mockOracle({ pending: { work: "Settle", epoch: 9n } });

      expect(() => run()).toThrow(`GET ${WINDOW_URL}: the head-end answered 500: internal error`);

      expect(written.map((w) => w.payload)).toEqual([CLEARING_PAYLOAD]);
    });

    test("fails when the pages do not end within maxPages", () => {
      const page = (until: number) => ({ status: 200, body: JSON.stringify({ hasMore: true, until, readings: [] }) });
      const requests = mockHeadEnd([page(1767269000), page(1767269500)]);
      const written = mockOracle();

      expect(() => run({ ...CONFIG, headEnd: { ...CONFIG.headEnd, maxPages: 2 } })).toThrow(
        new HeadEndError("the head-end still had more readings after 2 pages"),
      );
      expect(requests.map((r) => r.url)).toEqual([
        WINDOW_URL,
        "https://ami.campus.example/api/readings?since=1767269000&until=1767270600",
      ]);
      expect(written).toEqual([]);
    });
  });

  describe("when the head-end's data is malformed", () => {
    const good = JSON.parse(HEAD_END_BODY).readings[0];
    const cases: [string, unknown, string][] = [
      ["invalid JSON", "{readings:", "the head-end answered with invalid JSON"],
      ["no readings array", { readings: null }, 'the head-end answer has no "readings" array'],
      ["a reading that is not an object", { readings: [7] }, "reading #1: expected an object"],
      [
        "a register as a string",
        { readings: [{ ...good, exportWh: "7590328" }] },
        'reading #1: "exportWh" must be a non-negative integer, got "7590328"',
      ],
      [
        "a negative register",
        { readings: [{ ...good, importWh: -1 }] },
        'reading #1: "importWh" must be a non-negative integer, got -1',
      ],
      [
        "a fractional register",
        { readings: [{ ...good, exportWh: 1.5 }] },
        'reading #1: "exportWh" must be a non-negative integer, got 1.5',
      ],
      [
        "a meter id that is not bytes32",
        { readings: [{ ...good, meterId: "AMI-P001" }] },
        'reading #1: "meterId" must be a non-zero bytes32 hex string',
      ],
      [
        "the zero meter id",
        { readings: [{ ...good, meterId: `0x${"0".repeat(64)}` }] },
        'reading #1: "meterId" must be a non-zero bytes32 hex string',
      ],
      [
        "a reading outside the window",
        { readings: [{ ...good, readAt: 1767268800 }] },
        "reading #1: readAt 1767268800 is outside the window (1767268800, 1767270600]",
      ],
      [
        "a partial page ending outside the window",
        { hasMore: true, until: 1767268800, readings: [] },
        "a partial page must end inside the window, got until 1767268800",
      ],
      [
        "two readings of one meter at one time",
        { readings: [good, { ...good, exportWh: good.exportWh + 1 }] },
        `meter ${good.meterId} has two readings at 1767269700`,
      ],
    ];
    for (const [what, body, message] of cases) {
      test(`writes nothing for ${what}`, () => {
        mockHeadEnd([{ status: 200, body: typeof body === "string" ? body : JSON.stringify(body) }]);
        const written = mockOracle();

        expect(() => run()).toThrow(new HeadEndError(message));

        expect(written).toEqual([]);
      });
    }
  });

  describe("when the OracleClient does not accept the configured forwarder", () => {
    test("neither reads the head-end nor writes", () => {
      const requests = mockHeadEnd([]);
      const written = mockOracle({ forwarder: "0x15fC6ae953E024d975e77382eEeC56A9101f9F88" });

      expect(() => run()).toThrow(
        `OracleClient ${ORACLE} accepts reports from 0x15fC6ae953E024d975e77382eEeC56A9101f9F88, not from the ` +
          `configured forwarder ${FORWARDER}: run gridmarket:set-cre, or fix the config; nothing was written`,
      );
      expect(requests).toEqual([]);
      expect(written).toEqual([]);
    });
  });

  describe("when onReport reverts", () => {
    test("fails the run", () => {
      mockHeadEnd([{ status: 200, body: HEAD_END_BODY }]);
      mockOracle({ reverts: true });

      expect(() => run()).toThrow(`OracleClient.onReport reverted (transaction 0x${"01".repeat(32)})`);
    });
  });
});

describe("initWorkflow", () => {
  test("subscribes onCron to the configured schedule", () => {
    const handlers = initWorkflow(CONFIG);

    expect(handlers).toHaveLength(1);
    expect(handlers[0].fn).toBe(onCron);
    expect((handlers[0].trigger as unknown as { config: { schedule: string } }).config.schedule).toBe("0 */15 * * * *");
  });
});

describe("configSchema", () => {
  test("rejects an address that is not 20 bytes", () => {
    const result = configSchema.safeParse({ ...CONFIG, oracleClient: "0x1234" });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "oracleClient: must be a 0x-prefixed 20-byte address",
    ]);
  });

  test("accepts the committed target configs once gridmarket:cre-config has written the OracleClient", async () => {
    const files = [...new Bun.Glob("*.json").scanSync(path.join(import.meta.dir, "../gridmarket/config"))].sort();
    expect(files).toEqual(["config.sepolia.json", "config.simulation.json"]);
    for (const file of files) {
      const config = await Bun.file(path.join(import.meta.dir, "../gridmarket/config", file)).json();
      expect(configSchema.safeParse(config).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
        "oracleClient: is the zero address: write it with `npx hardhat gridmarket:cre-config`",
      ]);
      expect(configSchema.safeParse({ ...config, oracleClient: ORACLE }).success).toBe(true);
    }
  });

  test("caps the readings per report at OracleClient.MAX_BATCH_LENGTH", () => {
    const result = configSchema.safeParse({ ...CONFIG, maxReadingsPerReport: 301 });

    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["maxReadingsPerReport"]);
  });
});
