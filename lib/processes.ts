// The project's commands as child processes, for runs that treat them as an operator would: one-off
// `npx hardhat <task>` commands (the operator CLI, Ignition, participants), and long-running services (the keeper,
// the AMI bridge, the mock head-end) that can be stopped cleanly, killed with SIGKILL and started again.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";

/** What a finished command left. */
export interface CommandResult {
  status: number | null;
  out: string;
}

/** Runs `npx <args>` in `root`; resolves with its exit status and output (killed after `timeoutMs`). */
export function runCommand(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

/** Runs `npx hardhat <args>` and returns its output; throws with the output when it fails. */
export async function hardhatCommand(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { status, out } = await runCommand(root, ["hardhat", ...args], env);
  if (status !== 0) throw new Error(`npx hardhat ${args.join(" ")} failed (${status}):\n${out}`);
  return out;
}

/** A long-running command (`npx <args>`), its output appended to `logFile`; restartable. */
export class Service {
  private child?: ChildProcess;
  /** Times the service was started. */
  starts = 0;

  constructor(
    readonly name: string,
    private readonly root: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The exit code of the last run (null while running or when killed by a signal). */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = fs.openSync(this.logFile, "a");
    fs.writeSync(log, `\n--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    // Its own process group, so that npx and the node process under it get the signal together.
    this.child = spawn("npx", this.args, {
      cwd: this.root,
      env: this.env,
      stdio: ["ignore", log, log],
      detached: true,
    });
    fs.closeSync(log);
  }

  /** Sends `signal` to the service's process group and waits until it has exited. */
  async stop(signal: "SIGTERM" | "SIGINT" | "SIGKILL" = "SIGTERM", timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (child === undefined || child.pid === undefined || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const kill = (s: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // Already gone.
      }
    };
    kill(signal);
    const timer = setTimeout(() => kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** The service's output so far. */
  output(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
  }
}
