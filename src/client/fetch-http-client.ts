// A Connect UniversalClientFn over fetch, for getLimits() when the caller
// injected a transport (or a fetch). Connect's own createFetchClient streams
// the request body, which Node's fetch refuses without `duplex: "half"`, so
// this one sends the (small, unary) body as one buffer.
import type { UniversalClientFn } from "@connectrpc/connect/protocol";

async function collect(body: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array | undefined> {
  if (body === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

async function* iterate(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (body === null) return;
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Left early (over maxResponseBytes, an error, an abort): cancel the body
    // so that fetch stops receiving and inflating it.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

export function createFetchHttpClient(fetchFn: typeof globalThis.fetch): UniversalClientFn {
  return async (req) => {
    const body = await collect(req.body);
    const res = await fetchFn(req.url, {
      method: req.method,
      headers: req.header,
      ...(req.signal !== undefined ? { signal: req.signal } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, header: decodedHeaders(res.headers), body: iterate(res.body), trailer: new Headers() };
  };
}

// Content codings fetch decodes by itself (the Fetch standard's list).
const decodedByFetch = new Set(["gzip", "x-gzip", "deflate", "br"]);

/**
 * fetch hands over the body already inflated but keeps Content-Encoding and
 * the compressed Content-Length: Connect would refuse the coding (it accepts
 * none here) or the length. Both go when fetch did the decoding.
 */
function decodedHeaders(headers: Headers): Headers {
  const coding = headers.get("content-encoding");
  if (coding === null) return headers;
  const codings = coding.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity");
  if (!codings.every((c) => decodedByFetch.has(c))) return headers;
  const out = new Headers(headers);
  out.delete("content-encoding");
  out.delete("content-length");
  return out;
}
