// One loopback port serving HTTP/1.1 and h2c (HTTP/2 with prior knowledge)
// side by side: the first bytes of each connection tell which. Node's own
// `allowHTTP1` works only with TLS, hence the sniffing.
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;
export type RequestHandler = (req: NodeRequest, res: NodeResponse) => void;

export interface Listener {
  host: string;
  port: number;
  /** Stops accepting, cuts every open connection and HTTP/2 session. */
  close(): Promise<void>;
}

// Every HTTP/2 connection opens with this preface; no HTTP/1 method starts with "PRI".
const H2_PREFACE_START = Buffer.from("PRI");

// The TCP socket under each HTTP/2 session (the session only hands out a proxy).
const sessionSockets = new WeakMap<Http2Session, Socket>();

/** The TCP connection an HTTP/2 session runs on, to cut it the way a network failure would. */
export function socketOfSession(session: Http2Session): Socket | undefined {
  return sessionSockets.get(session);
}

export async function listen(handler: RequestHandler, host: string, port: number): Promise<Listener> {
  const http1 = createHttp1Server(handler);
  const http2 = createHttp2Server(handler);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  let routing: Socket | undefined;
  http2.on("session", (session: Http2Session) => {
    // Emitted synchronously from emit("connection") below.
    if (routing !== undefined) sessionSockets.set(session, routing);
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });

  const route = (socket: Socket, head: Buffer) => {
    socket.pause();
    socket.unshift(head);
    if (head.subarray(0, 3).equals(H2_PREFACE_START)) {
      // The session reads what is already buffered on its own.
      routing = socket;
      http2.emit("connection", socket);
      routing = undefined;
    } else {
      http1.emit("connection", socket);
      socket.resume();
    }
  };

  // noDelay: small RPC answers must not wait for Nagle's algorithm (40 ms stalls).
  const tcp = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 3) return;
      socket.off("data", onData);
      route(socket, head);
    };
    socket.on("data", onData);
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, host, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  const address = tcp.address() as AddressInfo;

  return {
    host,
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      http1.close();
      http2.close();
      await closed;
    },
  };
}
