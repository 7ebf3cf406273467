// baseUrl normalisation, the plain-HTTP refusal, and option validation.
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors/index.js";
import { createFleetClient, normalizeBaseUrl, type FleetClientOptions } from "../../src/client/index.js";

describe("normalizeBaseUrl", () => {
  it.each([
    ["https://fleet-management-prod-001.grafana.net", "https://fleet-management-prod-001.grafana.net"],
    ["https://fleet-management-prod-001.grafana.net/", "https://fleet-management-prod-001.grafana.net"],
    ["https://fleet-management-prod-001.grafana.net/pipeline.v1.PipelineService/", "https://fleet-management-prod-001.grafana.net"],
    ["https://fleet-management-prod-001.grafana.net/pipeline.v1.PipelineService", "https://fleet-management-prod-001.grafana.net"],
    ["https://fleet-management-prod-001.grafana.net/collector.v1.CollectorService/", "https://fleet-management-prod-001.grafana.net"],
    ["https://fleet-management-prod-001.grafana.net/tenant.v1.TenantService", "https://fleet-management-prod-001.grafana.net"],
    [
      "https://fleet-management-prod-011.aws-us-east-2-0.grafana.net/pipeline.v1.PipelineService//",
      "https://fleet-management-prod-011.aws-us-east-2-0.grafana.net",
    ],
    ["  HTTPS://Fleet.Example.COM:8443/  ", "https://fleet.example.com:8443"],
    ["https://proxy.internal/fleet/", "https://proxy.internal/fleet"],
    ["https://proxy.internal/fleet/pipeline.v1.PipelineService/", "https://proxy.internal/fleet"],
    ["http://127.0.0.1:4318/pipeline.v1.PipelineService/", "http://127.0.0.1:4318"],
    ["http://[::1]:8080", "http://[::1]:8080"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each([
    ["", "baseUrl is required"],
    ["fleet-management-prod-001.grafana.net", "not a valid absolute URL"],
    ["ftp://fleet.example.com", "must use https://"],
    ["https://user:pass@fleet.example.com", "must not contain credentials"],
    ["https://fleet.example.com/?x=1", "query string"],
    ["https://fleet.example.com/#frag", "fragment"],
  ])("refuses %j", (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrow(ConfigurationError);
    expect(() => normalizeBaseUrl(input)).toThrow(message);
  });
});

describe("plain HTTP", () => {
  it.each(["http://127.0.0.1:1", "http://127.8.9.10", "http://localhost:3000", "http://[::1]:1", "http://LOCALHOST"])(
    "is allowed to loopback %s",
    (baseUrl) => {
      expect(() => createFleetClient({ baseUrl, auth: { user: "1", token: "tttt" } })).not.toThrow();
    },
  );

  it.each(["http://fleet.example.com", "http://10.0.0.1", "http://128.0.0.1", "http://127.0.0.1.example.com", "http://[::2]"])(
    "is refused to %s unless allowInsecureHttp",
    (baseUrl) => {
      expect(() => createFleetClient({ baseUrl, auth: { user: "1", token: "tttt" } })).toThrow(/allowInsecureHttp/);
      expect(() => createFleetClient({ baseUrl, auth: { user: "1", token: "tttt" }, allowInsecureHttp: true })).not.toThrow();
    },
  );
});

describe("options", () => {
  const base = { baseUrl: "https://fleet.example.com" };
  it.each([
    ["auth", { auth: { user: "", token: "x" } }, "auth.user"],
    ["auth", { auth: { user: "1", token: "" } }, "auth.token"],
    ["auth", { auth: { bearerToken: " x" } }, "auth.bearerToken"],
    ["auth", { auth: { token: "x" } }, "auth must be"],
    ["timeoutMs", { timeoutMs: -1 }, "timeoutMs"],
    ["timeoutMs", { timeoutMs: Number.NaN }, "timeoutMs"],
    ["retry", { retry: { maxAttempts: 0 } }, "retry.maxAttempts"],
    ["retry", { retry: { maxAttempts: 2.5 } }, "retry.maxAttempts"],
    ["retry", { retry: { initialDelayMs: 100, maxDelayMs: 10 } }, "retry.maxDelayMs"],
    ["retry", { retry: { attemptTimeoutMs: 0 } }, "retry.attemptTimeoutMs"],
    ["rateLimit", { rateLimit: { requestsPerSecond: 0 } }, "rateLimit.requestsPerSecond"],
    ["rateLimit", { rateLimit: { burst: 0 } }, "rateLimit.burst"],
    ["httpVersion", { httpVersion: "3" }, "httpVersion"],
    ["logLevel", { logLevel: "verbose" }, "logLevel"],
    ["userAgent", { userAgent: "x\r\ny" }, "userAgent"],
    ["transport", { transport: {} }, "transport"],
  ])("refuses a bad %s", (_name, extra, message) => {
    const options = { ...base, ...extra } as unknown as FleetClientOptions;
    expect(() => createFleetClient(options)).toThrow(ConfigurationError);
    expect(() => createFleetClient(options)).toThrow(message);
  });

  it("accepts the documented forms", () => {
    expect(() => createFleetClient({ ...base, retry: false, rateLimit: false, timeoutMs: 0 })).not.toThrow();
    expect(() => createFleetClient({ ...base, retry: true, rateLimit: true })).not.toThrow();
    expect(() =>
      createFleetClient({ ...base, retry: { maxAttempts: 1 }, rateLimit: { requestsPerSecond: 0.5, burst: 1 }, httpVersion: "2" }),
    ).not.toThrow();
  });
});
