// A tiny `--name value` / `--flag` argument parser shared by the mock head-end and the demo CLIs.

export type ParsedArgs = Map<string, string | true>;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    if (eq > 0) {
      out.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
      out.set(arg.slice(2), argv[++i]);
    } else {
      out.set(arg.slice(2), true);
    }
  }
  return out;
}

export function numberArg(
  args: ParsedArgs,
  name: string,
  fallback: number,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  if (raw === true) throw new Error(`--${name} needs a value`);
  const value = Number(raw);
  if (!Number.isFinite(value) || (opts.integer === true && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${opts.integer === true ? "a whole number" : "a number"}, got "${raw}"`);
  }
  if (opts.min !== undefined && value < opts.min) throw new Error(`--${name} must be at least ${opts.min}`);
  if (opts.max !== undefined && value > opts.max) throw new Error(`--${name} must be at most ${opts.max}`);
  return value;
}

export function stringArg(args: ParsedArgs, name: string, fallback: string): string {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  if (raw === true) throw new Error(`--${name} needs a value`);
  return raw;
}

export function flagArg(args: ParsedArgs, name: string): boolean {
  const raw = args.get(name);
  return raw === true || raw === "true" || raw === "1";
}

/** Rejects options nobody asked for (typos would otherwise be silently ignored). */
export function assertKnown(args: ParsedArgs, known: readonly string[]): void {
  for (const name of args.keys()) {
    if (!known.includes(name))
      throw new Error(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(" ")})`);
  }
}
