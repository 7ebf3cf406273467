// Small HTTP helpers for the parts answered outside connect-node: errors
// written before a call is handled, the tenant route, the inspection routes.
import { Code } from "@connectrpc/connect";
import { HTTP_STATUS_OF_CODE } from "../errors/index.js";
import { socketOfSession, type NodeRequest, type NodeResponse } from "./listen.js";

/** The Connect protocol's code names, as they appear in error bodies. */
const CODE_NAMES: Record<Code, string> = {
  [Code.Canceled]: "canceled",
  [Code.Unknown]: "unknown",
  [Code.InvalidArgument]: "invalid_argument",
  [Code.DeadlineExceeded]: "deadline_exceeded",
  [Code.NotFound]: "not_found",
  [Code.AlreadyExists]: "already_exists",
  [Code.PermissionDenied]: "permission_denied",
  [Code.ResourceExhausted]: "resource_exhausted",
  [Code.FailedPrecondition]: "failed_precondition",
  [Code.Aborted]: "aborted",
  [Code.OutOfRange]: "out_of_range",
  [Code.Unimplemented]: "unimplemented",
  [Code.Internal]: "internal",
  [Code.Unavailable]: "unavailable",
  [Code.DataLoss]: "data_loss",
  [Code.Unauthenticated]: "unauthenticated",
};

export function codeName(code: Code): string {
  return CODE_NAMES[code];
}

export function codeStatus(code: Code): number {
  return HTTP_STATUS_OF_CODE[code];
}

/** Best guess of the code behind a status, for responses connect-node wrote before any handler ran. */
export function codeNameFromStatus(status: number): string {
  if (status >= 200 && status < 300) return "ok";
  switch (status) {
    case 400:
      return "invalid_argument";
    case 401:
      return "unauthenticated";
    case 403:
      return "permission_denied";
    case 404:
    case 405:
    case 415:
      return "unimplemented";
    case 408:
    case 504:
      return "deadline_exceeded";
    case 409:
      return "already_exists";
    case 429:
      return "resource_exhausted";
    case 499:
      return "canceled";
    case 501:
      return "unimplemented";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "unknown";
  }
}

export function sendJson(res: NodeResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A Connect unary error: JSON `{code, message}` with the protocol's status. */
export function sendConnectError(res: NodeResponse, code: Code, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, codeStatus(code), { code: codeName(code), message }, headers);
}

export async function readBody(req: NodeRequest, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`request body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Cuts the connection under a request, as a network failure would: the TCP
 * socket goes away without a word. For HTTP/2 that is the socket under the
 * session, not `session.destroy()`, which first sends GOAWAY(NO_ERROR) and
 * closes the streams it received with NO_ERROR: connect-node then never
 * settles those calls (they hang until the caller's deadline), which is not
 * what a cut connection does. The cut happens on the next turn of the event
 * loop: this runs inside callbacks nghttp2 is still executing, and tearing
 * the session down there corrupted Node 20's heap ("corrupted size vs.
 * prev_size").
 */
export function dropConnection(req: NodeRequest): void {
  if ("stream" in req) {
    const session = req.stream.session;
    const socket = session ? socketOfSession(session) : undefined;
    setImmediate(() => (socket ? socket.destroy() : session?.destroy()));
  } else {
    req.socket.destroy();
  }
}

export function requestHeader(req: NodeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
