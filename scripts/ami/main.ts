// `npm run ami:mock -- [--port 8787] [--seed 7] [--prosumers 12] [--consumers 24] [--latitude 47.4]
//   [--day 135] [--start <unix midnight>] [--clock realtime|manual]`
// Runs the mock AMI head-end alone, on 127.0.0.1, until interrupted.

import { DEFAULT_CAMPUS } from "./campus";
import { assertKnown, numberArg, parseArgs, stringArg } from "../../lib/args";
import { startAmiServer } from "./server";

const HELP = `Mock AMI head-end (127.0.0.1 only)
  --port N         port (default 8787, 0 = any free port)
  --seed N         campus and weather seed (default ${DEFAULT_CAMPUS.seed})
  --prosumers N    meters with rooftop PV (default ${DEFAULT_CAMPUS.prosumers})
  --consumers N    meters without PV (default ${DEFAULT_CAMPUS.consumers})
  --latitude DEG   campus latitude (default ${DEFAULT_CAMPUS.latitude})
  --day N          day of year of the first day (default ${DEFAULT_CAMPUS.dayOfYear})
  --start UNIX     local midnight of the first day (default: today 00:00 UTC)
  --clock MODE     realtime (follows the wall clock, default) or manual (POST /clock moves it)`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.has("help")) {
    console.log(HELP);
    return;
  }
  assertKnown(args, ["port", "seed", "prosumers", "consumers", "latitude", "day", "start", "clock"]);
  const todayMidnight = Math.floor(Date.now() / 86_400_000) * 86400;
  const start = numberArg(args, "start", todayMidnight, { integer: true, min: 0 });
  const clock = stringArg(args, "clock", "realtime");
  if (clock !== "realtime" && clock !== "manual") throw new Error("--clock is realtime or manual");
  const server = await startAmiServer({
    ...DEFAULT_CAMPUS,
    seed: numberArg(args, "seed", DEFAULT_CAMPUS.seed, { integer: true, min: 0 }),
    prosumers: numberArg(args, "prosumers", DEFAULT_CAMPUS.prosumers, { integer: true, min: 0, max: 999 }),
    consumers: numberArg(args, "consumers", DEFAULT_CAMPUS.consumers, { integer: true, min: 0, max: 999 }),
    latitude: numberArg(args, "latitude", DEFAULT_CAMPUS.latitude, { min: -89, max: 89 }),
    dayOfYear: numberArg(args, "day", DEFAULT_CAMPUS.dayOfYear, { integer: true, min: 1, max: 366 }),
    start,
    port: numberArg(args, "port", 8787, { integer: true, min: 0, max: 65535 }),
    clock,
    now: clock === "realtime" ? Math.floor(Date.now() / 1000) : start,
  });
  const sun = server.campus.sun(0);
  const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
  console.log(`Mock AMI head-end listening on ${server.url}`);
  console.log(
    `  ${server.campus.meters.length} meters (seed ${server.campus.config.seed}), clock ${clock}, ` +
      `sunrise ${hhmm(sun.sunrise)} sunset ${hhmm(sun.sunset)} (UTC of the simulated day), weather ${server.campus.sky(0).weather}`,
  );
  console.log(`  try: curl ${server.url}/health   curl ${server.url}/readings/latest`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
