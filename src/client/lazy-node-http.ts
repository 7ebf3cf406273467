// The default transport's Node pieces (connect-node's HTTP client and its
// gzip/brotli), loaded on the client's first call rather than when the
// package is imported: connect-node pulls in node:http, node:http2 and
// node:zlib, which cost startup time and keep the SDK from bundling for
// browsers and edge runtimes (which pass `transport` and never get here).
// Both are async already (a call, a (de)compression), so deferring them
// changes no signature: the first one awaits the import, the rest reuse it.
import type { Compression, UniversalClientFn } from "@connectrpc/connect/protocol";

type ConnectNode = typeof import("@connectrpc/connect-node");

let connectNode: Promise<ConnectNode> | undefined;

function loadConnectNode(): Promise<ConnectNode> {
  connectNode ??= import("@connectrpc/connect-node").catch((error: unknown) => {
    connectNode = undefined; // a failed import is retried by the next call
    throw error;
  });
  return connectNode;
}

/**
 * connect-node's HTTP client for `baseUrl`, created on the first request.
 * With HTTP/2 every call of this client shares one session (which unrefs
 * itself when idle).
 */
export function lazyNodeHttpClient(baseUrl: string, httpVersion: "1.1" | "2"): UniversalClientFn {
  let client: Promise<UniversalClientFn> | undefined;
  const create = async (): Promise<UniversalClientFn> => {
    const node = await loadConnectNode();
    if (httpVersion === "2") {
      const sessionManager = new node.Http2SessionManager(baseUrl);
      return node.createNodeHttpClient({ httpVersion: "2", sessionProvider: () => sessionManager });
    }
    return node.createNodeHttpClient({ httpVersion: "1.1" });
  };
  return async (request) => {
    client ??= create().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return (await client)(request);
  };
}

function lazyCompression(name: string, pick: (node: ConnectNode) => Compression): Compression {
  return {
    name,
    compress: async (bytes) => pick(await loadConnectNode()).compress(bytes),
    decompress: async (bytes, readMaxBytes) => pick(await loadConnectNode()).decompress(bytes, readMaxBytes),
  };
}

/** gzip and brotli as connect-node implements them (node:zlib), in order of preference. */
export function lazyNodeCompressions(): Compression[] {
  return [lazyCompression("gzip", (n) => n.compressionGzip), lazyCompression("br", (n) => n.compressionBrotli)];
}
