// The demo's progress bar (stderr): redrawn in place on a terminal, a line every tenth otherwise.

import { clockLabel } from "./report";
import type { Progress } from "./simulation";

export function progressPrinter(start: () => number | undefined, decimals: () => number, started = Date.now()) {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return (p: Progress) => {
    const done = p.step;
    const frac = p.steps === 0 ? 1 : done / p.steps;
    const width = 30;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - started) / 1000;
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : 0;
    const s = start();
    const price =
      p.lastVolume !== undefined && p.lastVolume > 0n && p.lastPrice !== undefined
        ? `last ${(Number(p.lastVolume) / 1e18).toFixed(1)} kWh @ ${(Number(p.lastPrice) / 10 ** decimals()).toFixed(4)}`
        : "last epoch: no trade";
    const line =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(done).padStart(3)}/${p.steps} epochs` +
      `  ${s === undefined ? "" : clockLabel(p.time, s)}  ${price}  ${elapsed.toFixed(0)} s, ~${eta.toFixed(0)} s left`;
    if (tty) {
      process.stderr.write(`\r${line.padEnd(110)}${done === p.steps ? "\n" : ""}`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(line + "\n");
      }
    }
  };
}
