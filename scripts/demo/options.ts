// Command-line options of `npm run demo`.

import { assertKnown, flagArg, numberArg, parseArgs, stringArg } from "../../lib/args";
import { ECONOMICS_AS_OF, GAS_PRESETS, gasEconomics, isGasPreset } from "../../lib/economics";
import { DEFAULT_OPTIONS, DemoOptions } from "./types";

export const HELP = `npm run demo -- [options]
  --prosumers N     buildings with rooftop PV (default ${DEFAULT_OPTIONS.prosumers})
  --consumers N     buildings without PV (default ${DEFAULT_OPTIONS.consumers})
  --epochs N        15-minute epochs to simulate (default ${DEFAULT_OPTIONS.epochs} = one day)
  --seed N          seed of the campus, the weather and the agents (default ${DEFAULT_OPTIONS.seed})
  --out DIR         report directory (default ${DEFAULT_OPTIONS.out}/)
  --latitude DEG    campus latitude (default ${DEFAULT_OPTIONS.latitude})
  --day N           day of the year (default ${DEFAULT_OPTIONS.dayOfYear})
  --feed-in X       feed-in tariff, USDC/kWh (default ${DEFAULT_OPTIONS.feedIn})
  --retail X        retail tariff, USDC/kWh (default ${DEFAULT_OPTIONS.retail})
  --start-hour H    hour of the day the first epoch starts (default 0 = midnight)
  --weather W       clear | mixed | overcast (default: drawn from the seed)
  --preset P        gas economics: l2 (${GAS_PRESETS.l2.gasPriceGwei} gwei) or l1 (${GAS_PRESETS.l1.gasPriceGwei} gwei), ETH at $${GAS_PRESETS.l2.nativeUsd}
                    (assumptions as of ${ECONOMICS_AS_OF}; default l2)
  --gas-price-gwei X  gas price the report prices gas at (overrides the preset's)
  --native-usd X    native-token (ETH) price in USD (overrides the preset's)
  --signed          meters sign their readings (EIP-712); the bridge relays them
  --quiet           no progress bar
  --network NAME    Hardhat network (default: the in-process hardhat network)
  --serve           live: run the day on a hardhat node of its own in accelerated real time and serve the web
                    app against it (watch the day, trade as one of the campus's participants)
  --epoch-seconds N with --serve: real seconds per 15-minute epoch (default 30)
  --port N          with --serve: the app's port on 127.0.0.1 (default: a free one)`;

export const OPTION_NAMES = [
  "prosumers",
  "consumers",
  "epochs",
  "seed",
  "out",
  "latitude",
  "day",
  "feed-in",
  "retail",
  "weather",
  "start-hour",
  "preset",
  "gas-price-gwei",
  "native-usd",
  "signed",
  "quiet",
  "network",
  "serve",
  "epoch-seconds",
  "port",
  "help",
] as const;

/** `--serve`: the live mode's pace and port. */
export interface ServeOptions {
  epochSeconds: number;
  port: number;
}

export function parseDemoOptions(
  argv: readonly string[],
): DemoOptions & { network?: string; help: boolean; serve?: ServeOptions } {
  const args = parseArgs(argv);
  assertKnown(args, OPTION_NAMES);
  const weather = args.get("weather");
  if (weather !== undefined && weather !== "clear" && weather !== "mixed" && weather !== "overcast") {
    throw new Error("--weather is clear, mixed or overcast");
  }
  const preset = stringArg(args, "preset", "l2");
  if (!isGasPreset(preset)) throw new Error(`--preset is ${Object.keys(GAS_PRESETS).join(" or ")}`);
  const optional = (name: string) => (args.has(name) ? numberArg(args, name, 0, { min: 0 }) : undefined);
  if (!args.has("serve") && (args.has("epoch-seconds") || args.has("port"))) {
    throw new Error("--epoch-seconds and --port go with --serve");
  }
  const network = args.get("network");
  if (network === true) throw new Error("--network needs a value");
  return {
    prosumers: numberArg(args, "prosumers", DEFAULT_OPTIONS.prosumers, { integer: true, min: 1, max: 300 }),
    consumers: numberArg(args, "consumers", DEFAULT_OPTIONS.consumers, { integer: true, min: 1, max: 300 }),
    epochs: numberArg(args, "epochs", DEFAULT_OPTIONS.epochs, { integer: true, min: 1, max: 960 }),
    seed: numberArg(args, "seed", DEFAULT_OPTIONS.seed, { integer: true, min: 0 }),
    out: stringArg(args, "out", DEFAULT_OPTIONS.out),
    latitude: numberArg(args, "latitude", DEFAULT_OPTIONS.latitude, { min: -66, max: 66 }),
    dayOfYear: numberArg(args, "day", DEFAULT_OPTIONS.dayOfYear, { integer: true, min: 1, max: 366 }),
    feedIn: numberArg(args, "feed-in", DEFAULT_OPTIONS.feedIn, { min: 0 }),
    retail: numberArg(args, "retail", DEFAULT_OPTIONS.retail, { min: 0 }),
    weather,
    startHour: numberArg(args, "start-hour", DEFAULT_OPTIONS.startHour, { min: 0, max: 23.75 }),
    signed: flagArg(args, "signed"),
    quiet: flagArg(args, "quiet"),
    economics: gasEconomics(preset, optional("gas-price-gwei"), optional("native-usd")),
    network,
    help: args.has("help"),
    serve: flagArg(args, "serve")
      ? {
          epochSeconds: numberArg(args, "epoch-seconds", 30, { min: 2, max: 900 }),
          port: numberArg(args, "port", 0, { integer: true, min: 0, max: 65535 }),
        }
      : undefined,
  };
}
