import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { Campus, DEFAULT_CAMPUS, MeterReadingRecord } from "../../scripts/ami/campus";
import { AmiServer, startAmiServer } from "../../scripts/ami/server";
import { sunTimes } from "../../scripts/ami/solar";

const START = 1_767_225_600; // a midnight (UTC)
const DAY = 86_400;

async function get<T>(server: AmiServer, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(server.url + path, init);
  return { status: response.status, body: (await response.json()) as T };
}

const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** The campus the tests read from: 3 prosumers and 4 consumers, one day after START (other options on top). */
const startCampusDay = (options: Partial<Parameters<typeof startAmiServer>[0]> = {}) =>
  startAmiServer({ ...DEFAULT_CAMPUS, prosumers: 3, consumers: 4, start: START, now: START + DAY, ...options });

describe("Mock AMI head-end", function () {
  let server: AmiServer;

  beforeEach(async function () {
    server = await startCampusDay();
  });

  afterEach(async function () {
    await server.close();
  });

  describe("campus model", function () {
    it("is a pure function of the seed", function () {
      const a = new Campus({ ...DEFAULT_CAMPUS, start: START });
      const b = new Campus({ ...DEFAULT_CAMPUS, start: START });
      const c = new Campus({ ...DEFAULT_CAMPUS, seed: 8, start: START });
      expect(a.readings(START - 1, START + DAY)).to.deep.equal(b.readings(START - 1, START + DAY));
      expect(a.meters).to.deep.equal(b.meters);
      expect(a.readings(START, START + DAY)).to.not.deep.equal(c.readings(START, START + DAY));
    });

    it("builds 12 prosumers with 3 to 30 kWp of rooftop PV and 24 consumers by default", function () {
      const campus = new Campus({ ...DEFAULT_CAMPUS, start: START });
      const prosumers = campus.meters.filter((m) => m.role === "prosumer");
      expect(prosumers).to.have.length(12);
      expect(campus.meters.filter((m) => m.role === "consumer")).to.have.length(24);
      for (const m of prosumers) expect(m.pvKwp).to.be.within(3, 30);
      for (const m of campus.meters.filter((x) => x.role === "consumer")) expect(m.pvKwp).to.equal(0);
      expect(new Set(campus.meters.map((m) => m.building))).to.deep.equal(new Set(["dormitory", "lab", "office"]));
      for (const m of campus.meters) expect(m.meterId).to.equal(encodeBytes32String(m.serial));
    });

    it("generates PV only between sunrise and sunset", function () {
      const campus = new Campus({ ...DEFAULT_CAMPUS, start: START });
      const { sunrise, sunset } = campus.sun(0);
      for (let i = 0; i < 96; i++) {
        const from = START + i * 900;
        const gen = campus.interval(i).generationWh.reduce((s, x) => s + x, 0);
        if (from + 900 <= sunrise || from >= sunset) expect(gen, `interval ${i}`).to.equal(0);
      }
      const noon = campus.interval(13 * 4).generationWh.reduce((s, x) => s + x, 0);
      expect(noon).to.be.greaterThan(0);
    });

    it("puts the solar day where the latitude and season say", function () {
      const june = sunTimes(47.4, 172);
      const december = sunTimes(47.4, 355);
      expect(june.sunset - june.sunrise).to.be.closeTo(15.9, 0.3);
      expect(december.sunset - december.sunrise).to.be.closeTo(8.5, 0.3);
      expect(sunTimes(0, 80).sunset - sunTimes(0, 80).sunrise).to.be.closeTo(12, 0.1);
    });

    it("peaks dormitories in the evening and labs and offices by day", function () {
      const campus = new Campus({ ...DEFAULT_CAMPUS, start: START });
      const loadAt = (type: string, hour: number) => {
        const d = campus.interval(hour * 4);
        return campus.meters.reduce((s, m, i) => s + (m.building === type ? d.consumptionWh[i] : 0), 0);
      };
      expect(loadAt("dormitory", 21)).to.be.greaterThan(loadAt("dormitory", 11));
      expect(loadAt("lab", 11)).to.be.greaterThan(loadAt("lab", 21));
      expect(loadAt("office", 11)).to.be.greaterThan(3 * loadAt("office", 3));
    });

    it("net-meters each interval: export = max(gen - load, 0), import = max(load - gen, 0)", function () {
      const campus = new Campus({ ...DEFAULT_CAMPUS, start: START });
      for (const m of campus.meters.slice(0, 6)) {
        for (const rec of campus.intervalRecords(m.serial, START, START + DAY)) {
          expect(rec.exportWh).to.equal(Math.max(rec.generationWh - rec.consumptionWh, 0));
          expect(rec.importWh).to.equal(Math.max(rec.consumptionWh - rec.generationWh, 0));
          const k = (rec.intervalEnd - START) / 900;
          const before = campus.registersAt(m.serial, k - 1);
          const after = campus.registersAt(m.serial, k);
          expect(after.exportWh - before.exportWh).to.equal(rec.exportWh);
          expect(after.importWh - before.importWh).to.equal(rec.importWh);
        }
      }
    });
  });

  describe("HTTP API", function () {
    it("GET /health reports the clock and the campus", async function () {
      const { status, body } = await get<Record<string, unknown>>(server, "/health");
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        status: "ok",
        now: START + DAY,
        clock: "manual",
        meters: 7,
        intervalSeconds: 900,
        start: START,
        latestReadAt: START + DAY,
        seed: DEFAULT_CAMPUS.seed,
      });
    });

    it("GET /meters lists the meters", async function () {
      const { body } = await get<{ meters: { serial: string; role: string }[] }>(server, "/meters");
      expect(body.meters.map((m) => m.serial)).to.deep.equal([
        "AMI-P001",
        "AMI-P002",
        "AMI-P003",
        "AMI-C001",
        "AMI-C002",
        "AMI-C003",
        "AMI-C004",
      ]);
      expect(body.meters).to.deep.equal(server.campus.meters);
    });

    it("GET /readings returns every 15-minute reading in (since, until], with monotone registers", async function () {
      const { body } = await get<{ readings: MeterReadingRecord[]; hasMore: boolean }>(
        server,
        `/readings?since=${START}&until=${START + DAY}`,
      );
      expect(body.hasMore).to.equal(false);
      expect(body.readings).to.have.length(96 * 7);
      expect(body.readings[0].readAt).to.equal(START + 900);
      expect(body.readings[body.readings.length - 1].readAt).to.equal(START + DAY);
      const last = new Map<string, MeterReadingRecord>();
      for (const r of body.readings) {
        const prev = last.get(r.serial);
        if (prev !== undefined) {
          expect(r.readAt).to.equal(prev.readAt + 900);
          expect(r.exportWh).to.be.at.least(prev.exportWh);
          expect(r.importWh).to.be.at.least(prev.importWh);
        }
        last.set(r.serial, r);
      }
    });

    it("is deterministic by seed across servers", async function () {
      const twin = await startCampusDay();
      const other = await startCampusDay({ seed: 99 });
      try {
        const path = `/readings?since=${START}&until=${START + DAY}`;
        const a = (await get<{ readings: MeterReadingRecord[] }>(server, path)).body.readings;
        expect((await get<{ readings: MeterReadingRecord[] }>(twin, path)).body.readings).to.deep.equal(a);
        expect((await get<{ readings: MeterReadingRecord[] }>(other, path)).body.readings).to.not.deep.equal(a);
      } finally {
        await twin.close();
        await other.close();
      }
    });

    it("never serves readings past its clock", async function () {
      const { body } = await get<{ readings: MeterReadingRecord[]; until: number }>(
        server,
        `/readings?since=${START + DAY - 1800}&until=${START + 2 * DAY}`,
      );
      expect(body.until).to.equal(START + DAY);
      expect(body.readings.map((r) => r.readAt)).to.deep.equal([
        ...Array(7).fill(START + DAY - 900),
        ...Array(7).fill(START + DAY),
      ]);
    });

    it("pages long windows on whole timestamps", async function () {
      const paged = await startCampusDay({ pageLimit: 10 });
      try {
        const first = await get<{ readings: MeterReadingRecord[]; hasMore: boolean; until: number }>(
          paged,
          `/readings?since=${START}&until=${START + 3600}`,
        );
        expect(first.body.hasMore).to.equal(true);
        expect(first.body.readings).to.have.length(7);
        expect(first.body.until).to.equal(START + 900);
      } finally {
        await paged.close();
      }
    });

    it("GET /readings/latest and /meters/:id/readings agree with the window query", async function () {
      const latest = (await get<{ readings: MeterReadingRecord[] }>(server, "/readings/latest")).body.readings;
      expect(latest).to.have.length(7);
      expect(latest.every((r) => r.readAt === START + DAY)).to.equal(true);
      const one = (
        await get<{ readings: MeterReadingRecord[] }>(server, `/meters/AMI-P002/readings?since=${START + DAY - 900}`)
      ).body.readings;
      expect(one).to.deep.equal([latest[1]]);
      const single = (await get<{ reading: MeterReadingRecord }>(server, "/meters/AMI-P002/readings/latest")).body
        .reading;
      expect(single).to.deep.equal(latest[1]);
    });

    it("POST /meters/:id/read reads the registers at the current time, between the scheduled readings", async function () {
      const noon = await startAmiServer({ ...DEFAULT_CAMPUS, prosumers: 3, consumers: 4, start: START, now: START });
      await get(noon, "/clock", post({ now: START + 12 * 3600 + 450 }));
      const { body } = await get<{ reading: MeterReadingRecord }>(noon, "/meters/AMI-P001/read", { method: "POST" });
      await noon.close();
      const lo = server.campus.registersAt("AMI-P001", 48);
      const hi = server.campus.registersAt("AMI-P001", 49);
      expect(hi.exportWh).to.be.greaterThan(lo.exportWh);
      expect(body.reading.readAt).to.equal(START + 12 * 3600 + 450);
      expect(body.reading.exportWh).to.be.within(lo.exportWh, hi.exportWh);
      expect(body.reading.importWh).to.be.within(lo.importWh, hi.importWh);
    });

    it("GET /meters/:id/intervals returns behind-the-meter data", async function () {
      const { body } = await get<{ intervals: { generationWh: number; consumptionWh: number }[] }>(
        server,
        `/meters/AMI-P001/intervals?since=${START}&until=${START + DAY}`,
      );
      expect(body.intervals).to.have.length(96);
      expect(body.intervals).to.deep.equal(server.campus.intervalRecords("AMI-P001", START, START + DAY));
    });

    it("moves the clock forward only", async function () {
      expect((await get(server, "/clock", post({ advance: 900 }))).body).to.deep.equal({
        now: START + DAY + 900,
        mode: "manual",
      });
      const back = await get<{ error: string }>(server, "/clock", post({ now: START }));
      expect(back.status).to.equal(409);
      expect(back.body.error).to.equal(`the clock only moves forward (now ${START + DAY + 900}, asked ${START})`);
      expect((await get(server, "/clock", post({ later: 1 }))).status).to.equal(400);
    });

    it("answers 404 for unknown meters and routes, 400 for bad parameters", async function () {
      expect((await get(server, "/meters/NOPE/readings")).status).to.equal(404);
      expect((await get(server, "/nothing")).status).to.equal(404);
      const bad = await get<{ error: string }>(server, "/readings?since=yesterday");
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal("since must be an integer (unix seconds)");
    });

    it("answers 503 while failures are injected, then recovers", async function () {
      server.injectFailures(1);
      expect((await get(server, "/health")).status).to.equal(503);
      expect((await get(server, "/health")).status).to.equal(200);
    });
  });
});
