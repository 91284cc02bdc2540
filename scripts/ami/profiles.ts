// Load shapes of campus buildings (fraction of the building's peak load by hour of day) and the seeded
// cloud pattern of a day. Shapes are interpolated linearly between the hourly points.

import { Rng } from "../../lib/random";

export type BuildingType = "dormitory" | "lab" | "office";

export const BUILDING_TYPES: readonly BuildingType[] = ["dormitory", "lab", "office"];

/** Hourly load shapes, 24 points each (value at hh:00), as a fraction of the building's peak. */
export const LOAD_SHAPES: Readonly<Record<BuildingType, readonly number[]>> = {
  // Students: a short morning bump, a quiet day, the peak from dinner to midnight.
  dormitory: [
    0.5, 0.4, 0.33, 0.3, 0.3, 0.32, 0.42, 0.62, 0.66, 0.52, 0.42, 0.4, 0.45, 0.42, 0.4, 0.42, 0.5, 0.66, 0.85, 0.95,
    1.0, 0.98, 0.88, 0.7,
  ],
  // Fume hoods, freezers and servers keep a high base; experiments run in the day.
  lab: [
    0.45, 0.44, 0.44, 0.44, 0.44, 0.45, 0.5, 0.62, 0.82, 0.95, 1.0, 1.0, 0.96, 0.98, 1.0, 0.97, 0.9, 0.76, 0.62, 0.55,
    0.5, 0.48, 0.47, 0.46,
  ],
  // Offices and lecture halls: working hours, a lunch dip, little at night.
  office: [
    0.14, 0.13, 0.13, 0.13, 0.13, 0.15, 0.25, 0.5, 0.85, 0.97, 1.0, 0.98, 0.85, 0.92, 0.98, 0.95, 0.85, 0.6, 0.35, 0.25,
    0.2, 0.17, 0.15, 0.14,
  ],
};

/** Load shape value at a fractional hour of day (0 <= hour < 24, wraps). */
export function loadShape(type: BuildingType, hour: number): number {
  const shape = LOAD_SHAPES[type];
  const h = ((hour % 24) + 24) % 24;
  const i = Math.floor(h);
  const f = h - i;
  return shape[i] * (1 - f) + shape[(i + 1) % 24] * f;
}

export type Weather = "clear" | "mixed" | "overcast";

/** A day's sky: the weather type and cloudiness per interval in [0, 1] (0 = clear sky). */
export interface DaySky {
  weather: Weather;
  cloudiness: number[];
}

const WEATHER_MEAN: Readonly<Record<Weather, number>> = { clear: 0.08, mixed: 0.4, overcast: 0.78 };
const WEATHER_SWING: Readonly<Record<Weather, number>> = { clear: 0.08, mixed: 0.3, overcast: 0.12 };

/**
 * The cloud pattern of day `day` for `seed`: an AR(1) walk around the day's mean cloudiness, so clouds
 * come and go over a few intervals instead of flickering. `weather` forces the day type.
 */
export function daySky(seed: number, day: number, intervalsPerDay: number, weather?: Weather): DaySky {
  const rng = Rng.derive(seed, "sky", day);
  const roll = rng.next();
  const type: Weather = weather ?? (roll < 0.45 ? "clear" : roll < 0.85 ? "mixed" : "overcast");
  const mean = WEATHER_MEAN[type];
  const swing = WEATHER_SWING[type];
  const cloudiness: number[] = [];
  let x = 0;
  for (let i = 0; i < intervalsPerDay; i++) {
    x = 0.85 * x + 0.53 * rng.normal();
    cloudiness.push(Math.min(1, Math.max(0, mean + swing * x)));
  }
  return { weather: type, cloudiness };
}

/** The share of clear-sky PV output left under `cloudiness` (thick cloud still lets diffuse light through). */
export function cloudFactor(cloudiness: number): number {
  return 1 - 0.78 * cloudiness;
}
