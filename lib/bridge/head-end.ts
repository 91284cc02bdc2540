// The AMI head-end's HTTP API as the bridge reads it (served by the mock in scripts/ami/server.ts).

/** Whether a meter's building has rooftop PV. */
export type MeterRole = "prosumer" | "consumer";

/** A meter as the head-end lists it. */
export interface HeadEndMeter {
  /** The meter serial, also the Registry meter id (`encodeBytes32String(serial)`). */
  serial: string;
  meterId: string;
  role: MeterRole;
  /** The building type ("lecture-hall", "dormitory", …). */
  building: string;
  location: string;
  /** Rooftop PV peak power in kW (0 for consumers). */
  pvKwp: number;
  /** Peak load of the building in kW. */
  peakLoadKw: number;
  /** Rated power of the meter in watts. */
  ratedPowerW: number;
}

/** One meter's registers at one instant, as the head-end reports them. */
export interface MeterReadingRecord {
  serial: string;
  meterId: string;
  /** Cumulative energy exported to the grid, Wh. */
  exportWh: number;
  /** Cumulative energy imported from the grid, Wh. */
  importWh: number;
  /** Unix seconds. */
  readAt: number;
}
