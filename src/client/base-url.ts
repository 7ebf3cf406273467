// The base URL: users paste either the host root or the per-service URL the
// Fleet Management UI shows (…/pipeline.v1.PipelineService/). Both become the
// root that Connect appends `/<package>.<Service>/<Method>` to.
import { ConfigurationError } from "../errors/index.js";

const serviceSuffix = /\/(?:pipeline\.v1\.PipelineService|collector\.v1\.CollectorService|tenant\.v1\.TenantService)\/*$/;

/**
 * Returns the host root (plus any path prefix of a proxy), without a trailing
 * slash. Accepts a URL ending in `/pipeline.v1.PipelineService/`,
 * `/collector.v1.CollectorService/` or `/tenant.v1.TenantService/`, with or
 * without the trailing slash. Throws ConfigurationError when the value is not
 * an absolute http(s) URL, carries credentials, a query or a fragment. The
 * value itself is never echoed (it may hold a pasted secret), only its parts
 * that are known to be safe.
 */
export function normalizeBaseUrl(url: string): string {
  if (typeof url !== "string" || url.trim() === "") {
    throw new ConfigurationError("baseUrl is required, e.g. https://fleet-management-prod-001.grafana.net");
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigurationError(
      "baseUrl is not a valid absolute URL; expected e.g. https://fleet-management-prod-001.grafana.net",
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConfigurationError(`baseUrl must use https:// (or http:// to a loopback address), not ${parsed.protocol}//`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new ConfigurationError("baseUrl must not contain credentials; pass them in the auth option instead");
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new ConfigurationError("baseUrl must not contain a query string or a fragment");
  }
  const path = parsed.pathname.replace(serviceSuffix, "").replace(/\/+$/, "");
  return parsed.origin + path;
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain HTTP may reach without opting in. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1") return true;
  const parts = host.split(".");
  return (
    parts.length === 4 &&
    parts[0] === "127" &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** Basic auth over plain HTTP sends the token in clear: refuse it unless the host is loopback or the caller opted in. */
export function assertTransportSecurity(baseUrl: string, allowInsecureHttp: boolean): void {
  const parsed = new URL(baseUrl);
  if (parsed.protocol === "http:" && !allowInsecureHttp && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigurationError(
      `baseUrl ${parsed.origin} uses plain http:// to a non-loopback host, which would send the token in clear text; ` +
        "use https://, or set allowInsecureHttp: true (CLI: --allow-insecure-http) if the network path is trusted",
    );
  }
}
