// Serves the built app (app/dist) and its config.json on 127.0.0.1: the demo's `--serve` mode and the browser tests
// use it. A static file server with no dependencies; config.json comes from memory, not from disk.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import type { AppConfig } from "../../lib/webapp";

export const APP_DIST = path.resolve(__dirname, "../../app/dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dist` with `config` as /config.json on `port` (0: a free one). */
export async function serveApp(config: AppConfig, options: { dist?: string; port?: number } = {}): Promise<AppServer> {
  const dist = options.dist ?? APP_DIST;
  if (!fs.existsSync(path.join(dist, "index.html"))) {
    throw new Error(`${dist}/index.html is missing: build the app first (npm run app:build)`);
  }
  const body = JSON.stringify(config);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://app").pathname);
    if (pathname === "/config.json") {
      res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
      res.end(body);
      return;
    }
    const file = path.join(dist, path.normalize(pathname === "/" ? "/index.html" : pathname));
    if (!file.startsWith(dist + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
