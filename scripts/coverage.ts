// Solidity coverage in parallel shards. solidity-coverage runs mocha in one process, so on a two-core machine
// half the machine would idle for the whole run: this script splits the contract suites into shards (one per
// core by default), runs `hardhat coverage` on each at the same time — each with its own instrumented build
// (hardhat.config.ts points a shard's artifacts and cache at folders of its own), report folder and temporary
// folders — and merges their hit counts into one report in
// coverage/ (html, lcov, json, json-summary) and coverage.json, which `npm run coverage:check` then gates.
//
// The suites under test/tasks/, test/demo/ and test/cre/'s task test drive TypeScript (the operator CLI, the
// bridge, the demo); the contract lines they reach are reached by the contract suites, which the gate proves.
//
//   npm run coverage [-- --shards N]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { assertKnown, numberArg, parseArgs } from "../lib/args";

const ROOT = path.resolve(__dirname, "..");
/** Suites that exercise TypeScript rather than contracts (see above). */
const TYPESCRIPT_SUITES = ["test/tasks/", "test/demo/"];
const SKIP_TAG = "@skip-on-coverage";

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) => {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) return testFiles(rel);
      return e.name.endsWith(".test.ts") ? [rel] : [];
    })
    .sort();
}

/** A file's weight: its test cases that run under coverage (the tag skips a case or a whole describe). */
function weight(file: string): number {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  if (/describe\([^\n]*@skip-on-coverage/.test(source)) return 1;
  const cases = source.split(/\bit\(/).slice(1);
  return 1 + cases.filter((c) => !c.slice(0, 300).includes(SKIP_TAG)).length;
}

/** Greedy split: heaviest file first, each into the lightest shard. */
function split(files: string[], shards: number): string[][] {
  const out = Array.from({ length: shards }, () => ({ files: [] as string[], weight: 0 }));
  for (const [file, w] of files.map((f) => [f, weight(f)] as const).sort((a, b) => b[1] - a[1])) {
    const lightest = out.reduce((min, s) => (s.weight < min.weight ? s : min));
    lightest.files.push(file);
    lightest.weight += w;
  }
  return out.filter((s) => s.files.length > 0).map((s) => s.files.sort());
}

function runShard(index: number, files: string[]): Promise<{ code: number; log: string }> {
  const log = path.join(ROOT, `.coverage_shard_${index}.log`);
  const out = fs.openSync(log, "w");
  const child = spawn(
    "npx",
    ["hardhat", "coverage", "--testfiles", `{${files.join(",")}}`, "--temp", `.coverage_artifacts_${index}`],
    {
      cwd: ROOT,
      stdio: ["ignore", out, out],
      env: { ...process.env, GRIDMARKET_COVERAGE_SHARD: String(index) },
    },
  );
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code: code ?? 1, log })));
}

interface Istanbul {
  Collector: new () => { add(data: unknown): void };
  Reporter: new (
    cfg: boolean,
    dir: string,
  ) => {
    add(kind: string): void;
    write(collector: unknown, sync: boolean, done: (err?: Error) => void): void;
  };
}

async function merge(shards: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const istanbul: Istanbul = require("sc-istanbul");
  const collector = new istanbul.Collector();
  const merged: Record<string, unknown>[] = [];
  for (let i = 0; i < shards; i++) {
    const data = JSON.parse(
      fs.readFileSync(path.join(ROOT, `.coverage_shard_${i}`, "coverage-final.json"), "utf8"),
    ) as Record<string, unknown>;
    collector.add(data);
    merged.push(data);
  }
  const dir = path.join(ROOT, "coverage");
  fs.rmSync(dir, { recursive: true, force: true });
  const reporter = new istanbul.Reporter(false, dir);
  for (const kind of ["html", "lcov", "json", "json-summary", "text"]) reporter.add(kind);
  await new Promise<void>((resolve, reject) =>
    reporter.write(collector, true, (err) => (err ? reject(err) : resolve())),
  );
  fs.copyFileSync(path.join(dir, "coverage-final.json"), path.join(ROOT, "coverage.json"));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertKnown(args, ["shards"]);
  const shards = numberArg(args, "shards", Math.max(1, os.availableParallelism()), { integer: true, min: 1, max: 8 });
  const files = testFiles("test").filter((f) => !TYPESCRIPT_SUITES.some((dir) => f.startsWith(dir)));
  const plan = split(files, shards);
  plan.forEach((p, i) => console.log(`shard ${i}: ${p.length} files (${p.join(" ")})`));
  const started = Date.now();
  const results = await Promise.all(plan.map((p, i) => runShard(i, p)));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  let failed = false;
  for (const [i, r] of results.entries()) {
    const text = fs.readFileSync(r.log, "utf8");
    const passing = /(\d+) passing/.exec(text)?.[1] ?? "?";
    console.log(`shard ${i}: exit ${r.code}, ${passing} passing`);
    if (r.code !== 0) {
      failed = true;
      console.log(text.split("\n").slice(-80).join("\n"));
    }
  }
  if (failed) throw new Error(`coverage: a shard failed (logs in .coverage_shard_<n>.log)`);
  await merge(plan.length);
  for (let i = 0; i < plan.length; i++) {
    fs.rmSync(path.join(ROOT, `.coverage_shard_${i}`), { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, `.coverage_cache_${i}`), { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, `.coverage_shard_${i}.log`), { force: true });
  }
  console.log(`coverage: ${plan.length} shards in ${seconds} s; report in coverage/ (coverage.json merged)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
