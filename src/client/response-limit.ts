// The cap on the size of an answer (maxResponseBytes). A hostile or broken
// server (or anything in between) must not make the client buffer gigabytes:
// the cap applies to the bytes received, counted as they arrive (the
// Content-Length is checked first), and to the bytes a compressed answer
// inflates to (zlib stops at the cap). Past it the body is cancelled, which
// closes the stream or connection, and the call fails with
// resource_exhausted, which is never retried (it has no Retry-After).
import { Code, ConnectError } from "@connectrpc/connect";
import type { Compression, UniversalClientFn, UniversalClientResponse } from "@connectrpc/connect/protocol";

/**
 * 32 MiB. Measured: a ListPipelines answer of 10 000 pipelines with the
 * example contents (770 bytes on average, 3 matchers, source, timestamps) is
 * 8.8 MiB in binary and 11.2 MiB in JSON, so this leaves room for 10 000
 * pipelines of about 3 KB each.
 */
export const defaultMaxResponseBytes = 32 * 1024 * 1024;

/** The largest value connect and zlib accept (4 GiB - 1). */
export const maxMaxResponseBytes = 0xffffffff;

/** `32 MiB`, `512 KiB`, or `1234 bytes`. */
export function formatBytes(n: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 3, "GiB"],
    [1024 ** 2, "MiB"],
    [1024, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

const limits = new WeakMap<ConnectError, number>();

/** The error for an answer over the cap; the error interceptor adds the procedure to its message. */
export function responseTooLarge(limit: number, what: string): ConnectError {
  const error = new ConnectError(`response exceeds maxResponseBytes (${formatBytes(limit)}): ${what}`, Code.ResourceExhausted);
  limits.set(error, limit);
  return error;
}

/** The cap an error reports, when it is an over-the-cap error. */
export function exceededLimit(error: ConnectError): number | undefined {
  return limits.get(error);
}

/** Keeps the over-the-cap mark on an error rebuilt from `from`. */
export function copyExceededLimit(from: ConnectError, to: ConnectError): void {
  const limit = limits.get(from);
  if (limit !== undefined) limits.set(to, limit);
}

/** Ends the body's stream (node: destroys the request or the HTTP/2 stream; fetch: cancels the reader). */
async function cancel(iterator: AsyncIterator<Uint8Array>, reason: ConnectError): Promise<void> {
  try {
    if (iterator.throw) await iterator.throw(reason);
    else await iterator.return?.();
  } catch {
    // It rethrows the reason; the stream is closed either way.
  }
}

function capped(body: AsyncIterable<Uint8Array>, limit: number): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const inner = body[Symbol.asyncIterator]();
      let received = 0;
      return {
        async next() {
          const r = await inner.next();
          if (r.done === true) return r;
          received += r.value.byteLength;
          if (received > limit) {
            const error = responseTooLarge(limit, `more than ${received} bytes received, reading stopped`);
            await cancel(inner, error);
            throw error;
          }
          return r;
        },
        async return() {
          await inner.return?.();
          return { done: true, value: undefined };
        },
        async throw(e: unknown) {
          if (inner.throw) return inner.throw(e);
          throw e;
        },
      };
    },
  };
}

/** An HTTP client whose answers are cut at `limit` bytes received. */
export function limitHttpClient(inner: UniversalClientFn, limit: number): UniversalClientFn {
  return async (req) => {
    const res: UniversalClientResponse = await inner(req);
    const declared = res.header.get("content-length");
    if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
      const error = responseTooLarge(limit, `Content-Length is ${declared}`);
      await cancel(res.body[Symbol.asyncIterator](), error);
      throw error;
    }
    return { ...res, body: capped(res.body, limit) };
  };
}

/** A decompressor that reports an answer inflating past `limit` as over the cap (zlib stops there). */
export function limitCompression(inner: Compression, limit: number): Compression {
  return {
    name: inner.name,
    compress: (bytes) => inner.compress(bytes),
    async decompress(bytes, readMaxBytes) {
      const max = Math.min(limit, readMaxBytes);
      try {
        return await inner.decompress(bytes, max);
      } catch (e) {
        if (e instanceof ConnectError && e.code === Code.ResourceExhausted) {
          throw responseTooLarge(limit, `a ${bytes.byteLength}-byte ${inner.name} body inflates past it`);
        }
        throw e;
      }
    },
  };
}
