// A clear-sky solar model good enough for a campus simulation: sun position from latitude, day of year and
// local solar time; irradiance from the Meinel air-mass attenuation; clouds applied by the caller.

const DEG = Math.PI / 180;

/** Solar declination (radians) on `dayOfYear` (1..366), Cooper's formula. */
export function declination(dayOfYear: number): number {
  return 23.44 * DEG * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
}

/** Sine of the sun's elevation at `solarHour` (hours, 12 = solar noon). */
export function sinElevation(latitudeDeg: number, dayOfYear: number, solarHour: number): number {
  const phi = latitudeDeg * DEG;
  const delta = declination(dayOfYear);
  const hourAngle = 15 * DEG * (solarHour - 12);
  return Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.cos(hourAngle);
}

/** Sunrise and sunset in solar hours (polar day: 0 and 24; polar night: 12 and 12). */
export function sunTimes(latitudeDeg: number, dayOfYear: number): { sunrise: number; sunset: number } {
  const x = -Math.tan(latitudeDeg * DEG) * Math.tan(declination(dayOfYear));
  if (x <= -1) return { sunrise: 0, sunset: 24 };
  if (x >= 1) return { sunrise: 12, sunset: 12 };
  const halfDayHours = Math.acos(x) / DEG / 15;
  return { sunrise: 12 - halfDayHours, sunset: 12 + halfDayHours };
}

/** Clear-sky global horizontal irradiance in W/m² (Kasten-Young air mass, Meinel attenuation). */
export function clearSkyIrradiance(latitudeDeg: number, dayOfYear: number, solarHour: number): number {
  const s = sinElevation(latitudeDeg, dayOfYear, solarHour);
  if (s <= 0) return 0;
  const elevationDeg = Math.asin(s) / DEG;
  const airMass = 1 / (s + 0.50572 * Math.pow(elevationDeg + 6.07995, -1.6364));
  const direct = 1353 * Math.pow(0.7, Math.pow(airMass, 0.678));
  return 1.1 * direct * s;
}
