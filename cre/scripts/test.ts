// `npm run cre:test`: the workflow's unit tests under `bun test`, ending with one plain `N passed, N failed` line.
// Extra arguments go to `bun test` (e.g. a name filter: `npm run cre:test -- -t clearing`).
import path from "node:path";

const root = path.join(import.meta.dir, "..", "..");
const child = Bun.spawn([process.execPath, "test", "cre/test", ...process.argv.slice(2)], {
  cwd: root,
  stdout: "pipe",
  stderr: "pipe",
  env: { ...process.env, FORCE_COLOR: "0" },
});
const [out, err, code] = await Promise.all([
  new Response(child.stdout).text(),
  new Response(child.stderr).text(),
  child.exited,
]);
await Bun.write(Bun.stdout, out);
await Bun.write(Bun.stderr, err);

/** The figure of bun's summary line (` 25 pass`, ` 0 fail`). */
function summary(word: "pass" | "fail"): number {
  const match = new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(`${out}\n${err}`);
  return match === null ? 0 : Number(match[1]);
}

const passed = summary("pass");
const failed = summary("fail");
console.log(`${passed} passed, ${failed} failed`);
// Finding no test at all fails too.
process.exit(code !== 0 ? code : passed === 0 ? 1 : 0);
