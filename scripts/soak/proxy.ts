// Loopback HTTP proxies that inject faults: one in front of the node's JSON-RPC endpoint (refuses wide
// `eth_getLogs` ranges as public endpoints do, drops connections, and can report a service's transaction as it
// goes through so that the service is killed between sending and mining), one in front of the AMI head-end
// (answers 503, hangs past the client's timeout, returns malformed or duplicated rows).
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request. */
export type ProxyAction =
  | { kind: "forward"; rewrite?: (body: string) => string; after?: () => Promise<void> }
  | { kind: "respond"; status: number; body: string }
  | { kind: "hang"; ms: number }
  | { kind: "drop" };

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
}

/** An HTTP proxy on 127.0.0.1 whose `decide` picks the fate of each request. */
export class FaultProxy {
  private server?: http.Server;
  url = "";

  constructor(
    private readonly target: string,
    private readonly decide: (request: ProxiedRequest) => ProxyAction,
  ) {}

  async listen(): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void this.handle(req, res, Buffer.concat(chunks).toString()));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const action = this.decide({ method: req.method ?? "GET", path: req.url ?? "/", body });
    if (action.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (action.kind === "hang") {
      setTimeout(() => req.socket.destroy(), action.ms);
      return;
    }
    if (action.kind === "respond") {
      res.writeHead(action.status, { "content-type": "application/json" }).end(action.body);
      return;
    }
    let status: number;
    let text: string;
    try {
      const response = await fetch(this.target + (req.url ?? "/"), {
        method: req.method,
        headers: { "content-type": "application/json" },
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      text = await response.text();
    } catch {
      req.socket.destroy(); // the upstream is down (a node restarting): the client sees a dropped connection
      return;
    }
    await action.after?.();
    res.writeHead(status, { "content-type": "application/json" }).end(action.rewrite ? action.rewrite(text) : text);
  }
}

/** Counters of what the proxies did. */
export type ProxyCounts = Record<string, number>;

/** The node-side faults: a permanent log-range cap, dropped connections, a hook on a service's next send. */
export class RpcFaults {
  readonly counts: ProxyCounts = {
    "log ranges refused": 0,
    "connections dropped": 0,
  };
  private drops = 0;
  private onSend = new Map<string, { what: string; action: () => Promise<void> }[]>();

  constructor(private readonly maxLogRange: number) {}

  /** Drops the next `n` connections. */
  dropNext(n: number): void {
    this.drops += n;
  }

  /**
   * Runs `action` (counted as `what`) right after the next transaction from `account` reached the node, before its
   * sender hears back: a kill between sending and mining, or a base-fee jump that leaves the transaction underpriced.
   */
  afterNextSend(account: string, what: string, action: () => Promise<void>): void {
    const key = account.toLowerCase();
    this.onSend.set(key, [...(this.onSend.get(key) ?? []), { what, action }]);
  }

  decide = (request: ProxiedRequest): ProxyAction => {
    let call: { id?: unknown; method?: string; params?: unknown[] };
    try {
      call = JSON.parse(request.body) as typeof call;
    } catch {
      return { kind: "forward" };
    }
    if (this.drops > 0 && call.method !== "eth_chainId") {
      this.drops--;
      this.counts["connections dropped"]++;
      return { kind: "drop" };
    }
    if (call.method === "eth_getLogs") {
      const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      const from = /^0x[0-9a-f]+$/i.test(filter.fromBlock ?? "") ? Number(filter.fromBlock) : undefined;
      const to = /^0x[0-9a-f]+$/i.test(filter.toBlock ?? "") ? Number(filter.toBlock) : undefined;
      if (from !== undefined && to !== undefined && to - from + 1 > this.maxLogRange) {
        this.counts["log ranges refused"]++;
        const error = { code: -32005, message: `query exceeds the maximum block range of ${this.maxLogRange}` };
        return { kind: "respond", status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: call.id, error }) };
      }
    }
    if (call.method === "eth_sendTransaction") {
      const from = String((call.params?.[0] as { from?: string } | undefined)?.from ?? "").toLowerCase();
      const hook = this.onSend.get(from)?.shift();
      if (hook !== undefined) {
        this.counts[hook.what] = (this.counts[hook.what] ?? 0) + 1;
        return { kind: "forward", after: hook.action };
      }
    }
    return { kind: "forward" };
  };
}

/** The head-end-side faults, each armed for the next matching request(s). */
export class HeadEndFaults {
  readonly counts: ProxyCounts = {
    "head-end 503 answers": 0,
    "head-end requests hung": 0,
    "head-end answers malformed": 0,
    "head-end answers duplicated": 0,
  };
  private pending = { unavailable: 0, hang: 0, malformed: 0, duplicated: 0 };

  constructor(private readonly hangMs: number) {}

  arm(kind: keyof HeadEndFaults["pending"], n = 1): void {
    this.pending[kind] += n;
  }

  decide = (request: ProxiedRequest): ProxyAction => {
    if (request.path.startsWith("/clock") || request.path.startsWith("/health")) return { kind: "forward" };
    if (this.pending.unavailable > 0) {
      this.pending.unavailable--;
      this.counts["head-end 503 answers"]++;
      return { kind: "respond", status: 503, body: '{"error":"maintenance"}' };
    }
    if (this.pending.hang > 0) {
      this.pending.hang--;
      this.counts["head-end requests hung"]++;
      return { kind: "hang", ms: this.hangMs };
    }
    const rows = request.path.startsWith("/readings") || /\/meters\/[^/]+\/readings/.test(request.path);
    if (rows && this.pending.malformed > 0) {
      this.pending.malformed--;
      return this.rewrite("malformed", (r) => [{ ...r[0], exportWh: "n/a" }, ...r.slice(1)]);
    }
    if (rows && this.pending.duplicated > 0) {
      this.pending.duplicated--;
      return this.rewrite("duplicated", (r) => [...r, ...r]);
    }
    return { kind: "forward" };
  };

  /** Rewrites the rows of the answer; an answer without rows leaves the fault armed for the next one. */
  private rewrite(
    kind: "malformed" | "duplicated",
    change: (rows: Record<string, unknown>[]) => unknown[],
  ): ProxyAction {
    return {
      kind: "forward",
      rewrite: (text) => {
        const page = JSON.parse(text) as { readings?: Record<string, unknown>[] };
        if (!Array.isArray(page.readings) || page.readings.length === 0) {
          this.pending[kind]++;
          return text;
        }
        this.counts[`head-end answers ${kind}`]++;
        return JSON.stringify({ ...page, readings: change(page.readings) });
      },
    };
  }
}
