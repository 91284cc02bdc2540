// The simulated campus behind the mock AMI head-end: bidirectional meters on prosumer buildings (rooftop PV
// plus the building's own load) and consumer buildings (load only), 15-minute interval data and the
// cumulative export/import registers the meters report. Everything is a pure function of the config.

import { encodeBytes32String } from "ethers";

import type { HeadEndMeter, MeterReadingRecord, MeterRole } from "../../lib/bridge/head-end";
import { clearSkyIrradiance, sunTimes } from "./solar";
import { BUILDING_TYPES, BuildingType, cloudFactor, daySky, DaySky, loadShape, Weather } from "./profiles";
import { Rng } from "../../lib/random";

export type { MeterRole, MeterReadingRecord };

export interface CampusConfig {
  /** Seed of everything random: buildings, roofs, weather, load noise. */
  seed: number;
  prosumers: number;
  consumers: number;
  /** Latitude in degrees (north positive). */
  latitude: number;
  /** Day of year (1..366) of the first simulated day. */
  dayOfYear: number;
  /** Unix time of local midnight of the first simulated day: the first interval starts here. */
  start: number;
  /** Interval length in seconds (900 = 15 minutes). */
  intervalSeconds: number;
  /** Local clock hour of solar noon (about 13 on central-European summer time). */
  solarNoonHour: number;
  /** Force the weather of every day instead of drawing it from the seed. */
  weather?: Weather;
}

export const DEFAULT_CAMPUS: Omit<CampusConfig, "start"> = {
  seed: 7,
  prosumers: 12,
  consumers: 24,
  latitude: 47.4,
  dayOfYear: 135,
  intervalSeconds: 900,
  solarNoonHour: 13,
};

/** A meter as the head-end lists it (the HTTP API's type, in lib/bridge/head-end.ts), with its building type. */
export interface MeterInfo extends HeadEndMeter {
  building: BuildingType;
}

/** Behind-the-meter interval data of one meter. */
export interface IntervalRecord {
  serial: string;
  /** End of the interval (unix seconds). */
  intervalEnd: number;
  generationWh: number;
  consumptionWh: number;
  exportWh: number;
  importWh: number;
}

interface MeterModel extends MeterInfo {
  orientation: number;
  initialExportWh: number;
  initialImportWh: number;
  noiseSeed: number;
}

interface IntervalData {
  gen: number[];
  load: number[];
}

const NAMES: Readonly<Record<BuildingType, string>> = {
  dormitory: "Dormitory",
  lab: "Laboratory",
  office: "Office building",
};

const PEAK_LOAD_KW: Readonly<Record<MeterRole, Readonly<Record<BuildingType, [number, number]>>>> = {
  prosumer: { dormitory: [2, 6], lab: [3, 8], office: [1.5, 5] },
  consumer: { dormitory: [2, 6.5], lab: [3, 9], office: [1.5, 5] },
};

/** Serial of the `index`-th (0-based) meter of `role`. */
export function meterSerial(role: MeterRole, index: number): string {
  return `${role === "prosumer" ? "AMI-P" : "AMI-C"}${String(index + 1).padStart(3, "0")}`;
}

export class Campus {
  readonly config: CampusConfig;
  readonly meters: readonly MeterInfo[];
  private readonly models: MeterModel[];
  private readonly bySerial = new Map<string, number>();
  private readonly skies = new Map<number, DaySky>();
  private readonly intervals: IntervalData[] = [];
  /** exportCum[m][i]: export register of meter m at the end of interval i-1 (index 0 = initial). */
  private readonly exportCum: number[][];
  private readonly importCum: number[][];

  constructor(config: CampusConfig) {
    if (!Number.isInteger(config.prosumers) || !Number.isInteger(config.consumers)) {
      throw new Error("prosumers and consumers must be whole numbers");
    }
    if (config.prosumers < 0 || config.consumers < 0 || config.prosumers + config.consumers === 0) {
      throw new Error("the campus needs at least one meter");
    }
    if (config.prosumers > 999 || config.consumers > 999) throw new Error("at most 999 meters per role");
    if (config.latitude <= -90 || config.latitude >= 90) throw new Error(`invalid latitude ${config.latitude}`);
    if (config.intervalSeconds <= 0 || 86400 % config.intervalSeconds !== 0) {
      throw new Error("the interval must divide a day");
    }
    this.config = { ...config };
    const rng = Rng.derive(config.seed, "campus");
    const models: MeterModel[] = [];
    const counters: Record<BuildingType, number> = { dormitory: 0, lab: 0, office: 0 };
    const add = (role: MeterRole, index: number) => {
      const building = BUILDING_TYPES[(index + (role === "consumer" ? 1 : 0)) % 3];
      counters[building] += 1;
      const serial = meterSerial(role, index);
      const [lo, hi] = PEAK_LOAD_KW[role][building];
      const pvKwp = role === "prosumer" ? Math.round(rng.uniform(3, 30) * 2) / 2 : 0;
      const peakLoadKw = Math.round(rng.uniform(lo, hi) * 10) / 10;
      models.push({
        serial,
        meterId: encodeBytes32String(serial),
        role,
        building,
        location: `${NAMES[building]} ${String.fromCharCode(64 + ((counters[building] - 1) % 26) + 1)}${
          counters[building] > 26 ? Math.ceil(counters[building] / 26) : ""
        }${role === "prosumer" ? " (rooftop PV)" : ""}`,
        pvKwp,
        peakLoadKw,
        ratedPowerW: Math.ceil((Math.max(pvKwp, peakLoadKw * 1.3) * 1000 * 1.5) / 1000) * 1000,
        orientation: rng.uniform(0.86, 1.0),
        initialExportWh: role === "prosumer" ? rng.int(1_000_000, 20_000_000) : 0,
        initialImportWh: rng.int(5_000_000, 80_000_000),
        noiseSeed: rng.int(0, 2 ** 31),
      });
    };
    for (let i = 0; i < config.prosumers; i++) add("prosumer", i);
    for (let i = 0; i < config.consumers; i++) add("consumer", i);
    this.models = models;
    this.meters = models.map((m) => ({
      serial: m.serial,
      meterId: m.meterId,
      role: m.role,
      building: m.building,
      location: m.location,
      pvKwp: m.pvKwp,
      peakLoadKw: m.peakLoadKw,
      ratedPowerW: m.ratedPowerW,
    }));
    models.forEach((m, i) => this.bySerial.set(m.serial, i));
    this.exportCum = models.map((m) => [m.initialExportWh]);
    this.importCum = models.map((m) => [m.initialImportWh]);
  }

  get intervalsPerDay(): number {
    return 86400 / this.config.intervalSeconds;
  }

  meter(serial: string): MeterInfo | undefined {
    const i = this.bySerial.get(serial);
    return i === undefined ? undefined : this.meters[i];
  }

  /** Sunrise and sunset of day `day` (0-based) as unix times. */
  sun(day = 0): { sunrise: number; sunset: number } {
    const { sunrise, sunset } = sunTimes(this.config.latitude, this.dayOfYear(day));
    const shift = this.config.solarNoonHour - 12;
    const midnight = this.config.start + day * 86400;
    return { sunrise: midnight + (sunrise + shift) * 3600, sunset: midnight + (sunset + shift) * 3600 };
  }

  /** The sky of day `day` (0-based). */
  sky(day = 0): DaySky {
    let sky = this.skies.get(day);
    if (sky === undefined) {
      sky = daySky(this.config.seed, day, this.intervalsPerDay, this.config.weather);
      this.skies.set(day, sky);
    }
    return sky;
  }

  /** Generation and consumption (Wh) of every meter in interval `i` (0-based from `start`). */
  interval(i: number): { generationWh: number[]; consumptionWh: number[] } {
    this.extendTo(i + 1);
    return { generationWh: [...this.intervals[i].gen], consumptionWh: [...this.intervals[i].load] };
  }

  /** Behind-the-meter interval data of `serial` for the intervals ending in (since, until]. */
  intervalRecords(serial: string, since: number, until: number): IntervalRecord[] {
    const m = this.index(serial);
    const out: IntervalRecord[] = [];
    for (const k of this.boundaries(since, until)) {
      if (k === 0) continue;
      const data = this.interval(k - 1);
      const gen = data.generationWh[m];
      const load = data.consumptionWh[m];
      out.push({
        serial,
        intervalEnd: this.boundaryTime(k),
        generationWh: gen,
        consumptionWh: load,
        exportWh: Math.max(gen - load, 0),
        importWh: Math.max(load - gen, 0),
      });
    }
    return out;
  }

  /** The registers of `serial` at interval boundary `k` (0 = `start`). */
  registersAt(serial: string, k: number): { exportWh: number; importWh: number } {
    const m = this.index(serial);
    const b = Math.max(0, k);
    this.extendTo(b);
    return { exportWh: this.exportCum[m][b], importWh: this.importCum[m][b] };
  }

  /**
   * The reading `serial` would report at unix time `t`: interval boundaries give the registers exactly; an
   * on-demand read inside an interval interpolates linearly (registers only ever go up). Before `start` the
   * meter shows its initial registers.
   */
  readingAt(serial: string, t: number): MeterReadingRecord {
    const { start, intervalSeconds } = this.config;
    const meterId = this.meters[this.index(serial)].meterId;
    const time = Math.floor(t);
    if (time <= start) return { serial, meterId, ...this.registersAt(serial, 0), readAt: time };
    const k = Math.floor((time - start) / intervalSeconds);
    const lo = this.registersAt(serial, k);
    const offset = time - start - k * intervalSeconds;
    if (offset === 0) return { serial, meterId, ...lo, readAt: time };
    const hi = this.registersAt(serial, k + 1);
    const f = offset / intervalSeconds;
    return {
      serial,
      meterId,
      exportWh: lo.exportWh + Math.floor((hi.exportWh - lo.exportWh) * f),
      importWh: lo.importWh + Math.floor((hi.importWh - lo.importWh) * f),
      readAt: time,
    };
  }

  /** Scheduled 15-minute readings with `since < readAt <= until`, by time then meter; `serial` filters. */
  readings(since: number, until: number, serial?: string): MeterReadingRecord[] {
    const serials = serial === undefined ? this.models.map((m) => m.serial) : [this.meters[this.index(serial)].serial];
    const out: MeterReadingRecord[] = [];
    for (const k of this.boundaries(since, until)) {
      const readAt = this.boundaryTime(k);
      for (const s of serials) {
        out.push({ serial: s, meterId: this.meters[this.index(s)].meterId, ...this.registersAt(s, k), readAt });
      }
    }
    return out;
  }

  /** The last scheduled reading time at or before `t` (undefined before `start`). */
  lastBoundary(t: number): number | undefined {
    if (t < this.config.start) return undefined;
    return this.boundaryTime(Math.floor((t - this.config.start) / this.config.intervalSeconds));
  }

  // ─────────────────────────────────────────── INTERNAL ─────────────────────────────────────────

  private index(serial: string): number {
    const i = this.bySerial.get(serial);
    if (i === undefined) throw new UnknownMeterError(serial);
    return i;
  }

  private dayOfYear(day: number): number {
    return ((this.config.dayOfYear - 1 + day) % 365) + 1;
  }

  private boundaryTime(k: number): number {
    return this.config.start + k * this.config.intervalSeconds;
  }

  /** Boundary indexes k >= 0 with since < time(k) <= until. */
  private boundaries(since: number, until: number): number[] {
    const { start, intervalSeconds } = this.config;
    if (until < start) return [];
    const first = since < start ? 0 : Math.floor((since - start) / intervalSeconds) + 1;
    const last = Math.floor((until - start) / intervalSeconds);
    const out: number[] = [];
    for (let k = first; k <= last; k++) out.push(k);
    return out;
  }

  /** Computes interval data and registers up to boundary `k`. */
  private extendTo(k: number): void {
    if (k > 1_000_000) throw new Error("too far in the future");
    while (this.intervals.length < k) {
      const i = this.intervals.length;
      const data = this.computeInterval(i);
      this.intervals.push(data);
      this.models.forEach((_, m) => {
        const exp = Math.max(data.gen[m] - data.load[m], 0);
        const imp = Math.max(data.load[m] - data.gen[m], 0);
        this.exportCum[m].push(this.exportCum[m][i] + exp);
        this.importCum[m].push(this.importCum[m][i] + imp);
      });
    }
  }

  private computeInterval(i: number): IntervalData {
    const { intervalSeconds, latitude, solarNoonHour } = this.config;
    const perDay = this.intervalsPerDay;
    const day = Math.floor(i / perDay);
    const slot = i % perDay;
    const sky = this.sky(day);
    const doy = this.dayOfYear(day);
    const hours = intervalSeconds / 3600;
    // Average power over the interval from three samples (midpoint rule on thirds).
    const samples = [1 / 6, 1 / 2, 5 / 6].map((f) => ((slot + f) * intervalSeconds) / 3600);
    const irradiance =
      samples.reduce((acc, h) => acc + clearSkyIrradiance(latitude, doy, h - (solarNoonHour - 12)), 0) / samples.length;
    const clouds = cloudFactor(sky.cloudiness[slot]);
    const gen: number[] = [];
    const load: number[] = [];
    for (const m of this.models) {
      const noise = Rng.derive(m.noiseSeed, i);
      const localClouds = Math.min(1, Math.max(0, clouds * (1 + 0.04 * noise.normal())));
      const pvKw = m.pvKwp * (irradiance / 1000) * 0.84 * m.orientation * localClouds;
      const shape = samples.reduce((acc, h) => acc + loadShape(m.building, h), 0) / samples.length;
      const loadKw = m.peakLoadKw * shape * Math.max(0.6, 1 + 0.08 * noise.normal());
      gen.push(Math.round(pvKw * hours * 1000));
      load.push(Math.round(loadKw * hours * 1000));
    }
    return { gen, load };
  }
}

export class UnknownMeterError extends Error {
  constructor(readonly serial: string) {
    super(`unknown meter ${serial}`);
  }
}
