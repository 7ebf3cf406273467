// A real connect-node server on 127.0.0.1 (HTTP/1.1 or h2c) for the client
// tests, with a raw hook for tenant.v1 (no proto) and for hand-made bodies.
import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

export type RawHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
  body: Buffer,
) => boolean | Promise<boolean>;

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: {
  httpVersion: "1.1" | "2";
  routes?: (router: ConnectRouter) => void;
  /** Requests whose path matches `match` go to `handle` (body read) instead of the Connect router. */
  raw?: { match: RegExp; handle: RawHandler };
}): Promise<TestServer> {
  const adapter = connectNodeAdapter({ routes: options.routes ?? (() => {}) });
  const handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    const raw = options.raw;
    if (raw !== undefined && raw.match.test(req.url ?? "")) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void Promise.resolve(raw.handle(req, res, Buffer.concat(chunks))).then((handled) => {
          if (!handled) {
            res.statusCode = 404;
            res.end();
          }
        });
      });
      return;
    }
    adapter(req as http.IncomingMessage, res as http.ServerResponse);
  };

  if (options.httpVersion === "2") {
    const server = http2.createServer(handler);
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on("session", (s) => {
      sessions.add(s);
      s.on("close", () => sessions.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sessions) s.destroy();
          server.close(() => resolve());
        }),
    };
  }
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
