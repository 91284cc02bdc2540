// A process supervisor for the soak, as systemd's Restart=always would be: every half second it starts again any
// service that died (SIGKILLed by a fault), unless the run holds it down on purpose.
import type { Service } from "../../lib/processes";

export class Supervisor {
  private readonly services: Service[] = [];
  private readonly held = new Set<Service>();
  private timer?: NodeJS.Timeout;
  /** Services started again after they died. */
  restarts = 0;

  add(service: Service): void {
    this.services.push(service);
  }

  /** Starts every service and watches them. */
  start(): void {
    for (const s of this.services) s.start();
    this.timer = setInterval(() => {
      for (const s of this.services) {
        if (s.running || this.held.has(s)) continue;
        this.restarts++;
        s.start();
      }
    }, 500);
  }

  /** Kills `service`, runs `body` while it is down, and lets it come back. */
  async hold(service: Service, body: () => Promise<void>): Promise<void> {
    this.held.add(service);
    try {
      await service.stop("SIGKILL");
      await body();
    } finally {
      this.held.delete(service);
    }
  }

  /** Kills every service and keeps them down until {@link resumeAll}. */
  async pauseAll(): Promise<void> {
    for (const s of this.services) this.held.add(s);
    await Promise.all(this.services.map((s) => s.stop("SIGKILL")));
  }

  resumeAll(): void {
    this.held.clear();
  }

  /** Stops watching and stops every service cleanly. */
  async stopAll(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.services.map((s) => s.stop("SIGINT")));
  }
}
