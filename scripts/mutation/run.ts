/**
 * A small, honest mutation-testing runner for the market contracts (SuMo's approach without its install-time
 * scripts): it applies classic operator mutations to one source line at a time in a scratch copy of the
 * repository, runs the tests that cover that contract with a time limit and `--bail`, and reports which mutants
 * the tests kill.
 *
 * Operators: relational swaps (`<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`), arithmetic swaps (`+` ↔ `-`, `*` ↔ `/`,
 * `%` → `*`), logical swaps (`&&` ↔ `||`), boolean literals (`true` ↔ `false`), boundary changes on integer
 * literals (`n` → `n + 1`, `0` → `1`) and `require` removal. Comments, strings, NatSpec, imports, pragmas and
 * declarations of events and errors are never mutated.
 *
 * A mutant that does not compile is "stillborn" and not counted; one whose tests time out counts as killed
 * (the mutation made the code hang); score = killed / (killed + survived). Survivors are printed with their
 * line so they can be reviewed (some may be equivalent mutants).
 *
 * Usage: `npm run mutation` (all targets), or `ts-node scripts/mutation/run.ts [--target Trading|OracleClient]
 * [--file contracts/...sol] [--max N] [--seed S] [--timeout SECONDS] [--list]`. Without --max every mutant runs (hours on two cores);
 * with it a seeded sample of N mutants per target is drawn. Results go to reports/mutation/<target>.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Target {
  name: string;
  files: string[];
  tests: string[];
}

const ROOT = path.resolve(__dirname, "..", "..");

/** The test files of a suite folder, relative to the project root. */
function suiteFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => `${dir}/${f}`);
}

/** Tests that cover each target, fastest killers first. Missing files are skipped. */
const TARGETS: Target[] = [
  {
    name: "Trading",
    files: [
      "contracts/Trading.sol",
      "contracts/base/TradingAccounts.sol",
      "contracts/base/TradingConfig.sol",
      "contracts/libraries/Auction.sol",
      "contracts/libraries/Clearing.sol",
      "contracts/libraries/EpochQueue.sol",
      "contracts/libraries/MarketAccounts.sol",
      "contracts/libraries/OrderSlots.sol",
      "contracts/libraries/PriceBitmap.sol",
      "contracts/libraries/Rooms.sol",
      "contracts/libraries/Settlement.sol",
      "contracts/libraries/TradingViews.sol",
    ],
    tests: [
      "test/security/AccessMatrix.test.ts",
      "test/security/NonCustodial.test.ts",
      ...suiteFiles("test/trading"),
      "test/integration/differential.test.ts",
      "test/security/HostileEnvironment.test.ts",
      "test/security/Invariants.test.ts",
      "test/integration/fullCycle.test.ts",
      // Which bank and depth room an epoch takes changes gas, not outcomes: the raw layout tests see it.
      "test/StorageLayout.test.ts",
    ],
  },
  {
    name: "OracleClient",
    files: [
      "contracts/OracleClient.sol",
      "contracts/base/OracleReadings.sol",
      "contracts/libraries/MeterSlots.sol",
      "contracts/libraries/ReadingValidation.sol",
    ],
    tests: [
      ...suiteFiles("test/oracleClient"),
      "test/security/AccessMatrix.test.ts",
      "test/security/HostileEnvironment.test.ts",
      "test/integration/fullCycle.test.ts",
      "test/security/Invariants.test.ts",
    ],
  },
];

// ─────────────────────────────────────────── MUTANTS ───────────────────────────────────────────

interface Mutant {
  id: number;
  file: string;
  line: number;
  operator: string;
  original: string;
  mutated: string;
  /** The whole mutated file. */
  source: string;
}

/** Replaces comments and string literals by spaces (same length), so operators inside them are never matched. */
function maskNonCode(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const two = src.slice(i, i + 2);
    if (two === "//") {
      const end = src.indexOf("\n", i);
      const stop = end === -1 ? src.length : end;
      out += " ".repeat(stop - i);
      i = stop;
    } else if (two === "/*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (src[i] === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      out += " ".repeat(j + 1 - i);
      i = j + 1;
    } else {
      out += src[i];
      i++;
    }
  }
  return out;
}

const SKIP_LINE = /^\s*(import|pragma|event|error|\/\/|\*|using)\b/;

interface Rule {
  operator: string;
  pattern: RegExp;
  replace: (match: string) => string | null;
}

const RULES: Rule[] = [
  { operator: "relational", pattern: /(?<![<>=!])<(?![<=])/g, replace: () => "<=" },
  { operator: "relational", pattern: /<=/g, replace: () => "<" },
  { operator: "relational", pattern: /(?<![<>=!-])>(?![>=])/g, replace: () => ">=" },
  { operator: "relational", pattern: /(?<!>)>=/g, replace: () => ">" },
  { operator: "relational", pattern: /==/g, replace: () => "!=" },
  { operator: "relational", pattern: /!=/g, replace: () => "==" },
  { operator: "logical", pattern: /&&/g, replace: () => "||" },
  { operator: "logical", pattern: /\|\|/g, replace: () => "&&" },
  { operator: "arithmetic", pattern: /(?<![+=])\+(?![+=])/g, replace: () => "-" },
  { operator: "arithmetic", pattern: /(?<![-=])-(?![-=>])/g, replace: () => "+" },
  { operator: "arithmetic", pattern: /(?<![*=/])\*(?![*=/])/g, replace: () => "/" },
  { operator: "arithmetic", pattern: /(?<![/*])\/(?![/*=])/g, replace: () => "*" },
  { operator: "arithmetic", pattern: /%(?!=)/g, replace: () => "*" },
  { operator: "boolean", pattern: /\btrue\b/g, replace: () => "false" },
  { operator: "boolean", pattern: /\bfalse\b/g, replace: () => "true" },
  {
    operator: "boundary",
    pattern: /(?<![\w.])\d[\d_]*(?![\w.x])/g,
    replace: (m) => {
      const n = BigInt(m.replace(/_/g, ""));
      return (n + 1n).toString();
    },
  },
];

/** Finds `require(...);` statements (possibly over several lines) and yields their [start, end) offsets. */
function requireStatements(masked: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /\brequire\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(masked)) !== null) {
    let depth = 0;
    let j = m.index + m[0].length - 1;
    for (; j < masked.length; j++) {
      if (masked[j] === "(") depth++;
      else if (masked[j] === ")" && --depth === 0) break;
    }
    const semi = masked.indexOf(";", j);
    if (semi !== -1) out.push([m.index, semi + 1]);
  }
  return out;
}

function generate(file: string, firstId: number): Mutant[] {
  const src = fs.readFileSync(path.join(ROOT, file), "utf8");
  const masked = maskNonCode(src);
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineText = (l: number) => src.slice(lineStarts[l], (lineStarts[l + 1] ?? src.length + 1) - 1);
  const mutants: Mutant[] = [];
  let id = firstId;
  const push = (operator: string, start: number, end: number, replacement: string) => {
    const source = src.slice(0, start) + replacement + src.slice(end);
    const l = lineOf(start);
    mutants.push({
      id: id++,
      file,
      line: l + 1,
      operator,
      original: lineText(l).trim(),
      mutated: source.split("\n")[l].trim(),
      source,
    });
  };

  // Skip pragma/import/event/error lines, and the constructor-free declarations of constants' types.
  const lines = masked.split("\n");
  const skip = new Set<number>();
  lines.forEach((text, l) => {
    if (SKIP_LINE.test(text) || text.trim() === "") skip.add(l);
  });

  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.pattern.exec(masked)) !== null) {
      const l = lineOf(m.index);
      if (skip.has(l)) continue;
      const text = lines[l];
      // Types and version-like tokens are not expressions: uint256, bytes32, 0.8.30.
      if (rule.operator === "boundary" && /\b(uint|int|bytes)\d*$/.test(masked.slice(lineStarts[l], m.index))) continue;
      if (rule.operator === "arithmetic" && /^\s*(\/\/\/|\*)/.test(text)) continue;
      const replacement = rule.replace(m[0]);
      if (replacement !== null) push(rule.operator, m.index, m.index + m[0].length, replacement);
    }
  }
  for (const [start, end] of requireStatements(masked)) push("require-removal", start, end, "");
  return mutants;
}

// ─────────────────────────────────────────── RUNNING ───────────────────────────────────────────

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** mulberry32: a seeded sample is reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: T[], n: number, seed: number): T[] {
  const r = rng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

/** A scratch copy of the repository (tracked and new files), sharing node_modules, for mutating in place. */
function scratchCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-mutation-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
    .toString()
    .split("\n")
    .filter((f) => f !== "" && !f.startsWith("node_modules"));
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

type Outcome = "killed" | "survived" | "stillborn" | "timeout";

function runMutant(dir: string, mutant: Mutant, tests: string[], timeoutS: number): Outcome {
  const target = path.join(dir, mutant.file);
  const original = fs.readFileSync(target, "utf8");
  fs.writeFileSync(target, mutant.source);
  try {
    const compile = spawnSync("npx", ["hardhat", "compile", "--quiet"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 600_000,
    });
    if (compile.status !== 0) return "stillborn";
    const run = spawnSync("npx", ["hardhat", "test", "--no-compile", "--bail", ...tests], {
      cwd: dir,
      encoding: "utf8",
      timeout: timeoutS * 1000,
      env: {
        ...process.env,
        PROPERTY_RUNS: process.env.PROPERTY_RUNS ?? "40",
        PROPERTY_SHRINK: "0",
        REPORT_GAS: "false",
      },
    });
    if (run.error !== undefined && (run.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return "timeout";
    return run.status === 0 ? "survived" : "killed";
  } finally {
    fs.writeFileSync(target, original);
  }
}

function main(): void {
  const only = arg("target");
  const max = arg("max") !== undefined ? Number(arg("max")) : Infinity;
  const seed = Number(arg("seed") ?? 1);
  const timeoutS = Number(arg("timeout") ?? 300);
  const targets = TARGETS.filter((t) => only === undefined || t.name === only);
  if (targets.length === 0) throw new Error(`unknown target ${only}; use one of ${TARGETS.map((t) => t.name)}`);

  const dir = process.argv.includes("--list") ? "" : scratchCopy();
  const summary: Record<string, unknown> = {};
  for (const target of targets) {
    let all: Mutant[] = [];
    for (const file of target.files) all = all.concat(generate(file, all.length + 1));
    // --file narrows the draw to the mutants of one source file of the target (e.g. after a change to it).
    const file = arg("file");
    if (file !== undefined) all = all.filter((m) => m.file === file);
    const chosen = Number.isFinite(max) ? sample(all, max, seed) : all;
    console.log(`${target.name}: ${all.length} mutants generated, running ${chosen.length} (seed ${seed})`);
    if (process.argv.includes("--list")) {
      for (const m of chosen) console.log(`  #${m.id} ${m.file}:${m.line} [${m.operator}] ${m.mutated}`);
      continue;
    }
    const tests = target.tests.filter((t) => fs.existsSync(path.join(ROOT, t)));
    const results: (Omit<Mutant, "source"> & { outcome: Outcome; seconds: number })[] = [];
    // Compile the unmutated copy once so that each mutant recompiles only what it touches.
    spawnSync("npx", ["hardhat", "compile", "--quiet"], { cwd: dir, encoding: "utf8" });
    for (const [i, m] of chosen.entries()) {
      const started = Date.now();
      const outcome = runMutant(dir, m, tests, timeoutS);
      const seconds = Math.round((Date.now() - started) / 1000);
      const { source: _source, ...rest } = m;
      void _source;
      results.push({ ...rest, outcome, seconds });
      console.log(`  [${i + 1}/${chosen.length}] #${m.id} ${m.file}:${m.line} ${m.operator}: ${outcome} (${seconds}s)`);
    }
    const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
    const killed = count("killed") + count("timeout");
    const survived = count("survived");
    const score = killed + survived === 0 ? 0 : killed / (killed + survived);
    const report = {
      target: target.name,
      files: target.files,
      tests,
      generated: all.length,
      run: chosen.length,
      seed,
      killed: count("killed"),
      timeouts: count("timeout"),
      survived,
      stillborn: count("stillborn"),
      score,
      survivors: results.filter((r) => r.outcome === "survived"),
      results,
    };
    fs.mkdirSync(path.join(ROOT, "reports", "mutation"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "reports", "mutation", `${target.name}.json`), JSON.stringify(report, null, 2));
    console.log(
      `${target.name}: killed ${killed} (${count("timeout")} by timeout), survived ${survived}, ` +
        `stillborn ${count("stillborn")}; score ${(score * 100).toFixed(1)}%`,
    );
    for (const s of report.survivors)
      console.log(`  survived #${s.id} ${s.file}:${s.line}: ${s.original}  →  ${s.mutated}`);
    summary[target.name] = { score, killed, survived, stillborn: count("stillborn") };
  }
  if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(summary));
}

main();
