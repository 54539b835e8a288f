// resolveConfig: the original's environment (spec section 12) plus flags, and the exact startup messages.
import { describe, expect, it } from "vitest";
import { ConfigError, parseTrustedProxies, resolveConfig, vmConfigurationFor } from "./config.js";

const env = (vars: Record<string, string>) => ({ FAIRVISOR_CONFIG_FILE: "/etc/fairvisor/policy.json", ...vars });

describe("resolveConfig", () => {
  it("defaults: decision_service on 0.0.0.0:8080, one VM, 429, no trusted proxies", () => {
    expect(resolveConfig({}, env({}))).toEqual({
      configFile: "/etc/fairvisor/policy.json",
      host: "0.0.0.0",
      port: 8080,
      workers: 1,
      trustedProxies: [],
      denyStatus: 429,
      logLevel: "info",
      mode: "decision_service",
      backendUrl: undefined,
      upstreamTimeoutMs: 60000,
      reservationTtlMs: 300000,
      adminToken: undefined,
      debugSecret: undefined,
      bundleUrl: undefined,
      bundlePollIntervalMs: 30000,
      bundleSigningKey: undefined,
    });
  });

  it("reads the reverse-proxy, admin, debug, reservation and bundle-URL variables", () => {
    const c = resolveConfig(
      {},
      env({
        FAIRVISOR_MODE: "reverse_proxy",
        FAIRVISOR_BACKEND_URL: "http://127.0.0.1:8081",
        FAIRVISOR_UPSTREAM_TIMEOUT_MS: "1500",
        FAIRVISOR_RESERVATION_TTL_MS: "2000",
        FAIRVISOR_ADMIN_TOKEN: "t0k",
        FAIRVISOR_DEBUG_SESSION_SECRET: "s3c",
        FAIRVISOR_BUNDLE_URL: "https://bundles.example.com/edge.json",
        FAIRVISOR_BUNDLE_POLL_INTERVAL: "5",
        FAIRVISOR_BUNDLE_SIGNING_KEY: "k",
      }),
    );
    expect(c).toMatchObject({
      mode: "reverse_proxy",
      backendUrl: "http://127.0.0.1:8081",
      upstreamTimeoutMs: 1500,
      reservationTtlMs: 2000,
      adminToken: "t0k",
      debugSecret: "s3c",
      bundleUrl: "https://bundles.example.com/edge.json",
      bundlePollIntervalMs: 5000,
      bundleSigningKey: "k",
    });
  });

  it("a bundle URL alone is enough; bad URLs and intervals are refused with the variable's name", () => {
    expect(resolveConfig({}, { FAIRVISOR_BUNDLE_URL: "http://b/x.json" })).toMatchObject({ configFile: "", bundleUrl: "http://b/x.json" });
    expect(() => resolveConfig({}, env({ FAIRVISOR_BUNDLE_URL: "ftp://b/x" }))).toThrow("FAIRVISOR_BUNDLE_URL must be an http or https URL, got 'ftp://b/x'");
    expect(() => resolveConfig({}, env({ FAIRVISOR_BUNDLE_POLL_INTERVAL: "0" }))).toThrow("FAIRVISOR_BUNDLE_POLL_INTERVAL must be a positive number");
    expect(() => resolveConfig({}, env({ FAIRVISOR_UPSTREAM_TIMEOUT_MS: "soon" }))).toThrow("FAIRVISOR_UPSTREAM_TIMEOUT_MS must be a positive number");
  });

  it("flags win over the environment", () => {
    const c = resolveConfig(
      { config: "b.json", port: "9090", host: "127.0.0.1", workers: "4", trustedProxies: "10.0.0.0/8", denyStatus: "403" },
      env({ FAIRVISOR_TRUSTED_PROXIES: "127.0.0.1/32", FAIRVISOR_DENY_STATUS: "401" }),
    );
    expect(c).toMatchObject({ configFile: "b.json", port: 9090, host: "127.0.0.1", workers: 4, denyStatus: 403 });
    expect(c.trustedProxies).toEqual(["10.0.0.0/8"]);
  });

  it("reads FAIRVISOR_TRUSTED_PROXIES, FAIRVISOR_DENY_STATUS and FAIRVISOR_LOG_LEVEL", () => {
    const c = resolveConfig(
      {},
      env({ FAIRVISOR_TRUSTED_PROXIES: "127.0.0.1/32, 10.0.0.0/8", FAIRVISOR_DENY_STATUS: "403", FAIRVISOR_LOG_LEVEL: "notice" }),
    );
    expect(c.trustedProxies).toEqual(["127.0.0.1/32", "10.0.0.0/8"]);
    expect(c.denyStatus).toBe(403);
    expect(c.logLevel).toBe("info");
  });

  it("FAIRVISOR_MODE: decision_service, empty or reverse_proxy (which needs a backend); others are refused", () => {
    expect(resolveConfig({}, env({ FAIRVISOR_MODE: "decision_service" })).mode).toBe("decision_service");
    expect(resolveConfig({}, env({ FAIRVISOR_MODE: "" })).mode).toBe("decision_service");
    expect(() => resolveConfig({}, env({ FAIRVISOR_MODE: "reverse_proxy" }))).toThrow(
      new ConfigError("FAIRVISOR_BACKEND_URL is required when FAIRVISOR_MODE=reverse_proxy"),
    );
    expect(() => resolveConfig({}, env({ FAIRVISOR_MODE: "proxy" }))).toThrow(
      "FAIRVISOR_MODE must be decision_service or reverse_proxy",
    );
  });

  it("needs a bundle file", () => {
    expect(() => resolveConfig({}, {})).toThrow("either FAIRVISOR_BUNDLE_URL or FAIRVISOR_CONFIG_FILE (or --config) must be set");
    expect(resolveConfig({ config: "x.json" }, {}).configFile).toBe("x.json");
  });

  it("refuses bad numbers with the flag name", () => {
    expect(() => resolveConfig({ port: "80a" }, env({}))).toThrow("--port must be an integer between 0 and 65535, got '80a'");
    expect(() => resolveConfig({ port: "70000" }, env({}))).toThrow("--port must be an integer between 0 and 65535");
    expect(() => resolveConfig({ workers: "0" }, env({}))).toThrow("--workers must be an integer between 1 and 64, got '0'");
    expect(() => resolveConfig({ denyStatus: "500" }, env({}))).toThrow(
      "--deny-status (FAIRVISOR_DENY_STATUS) must be 429, 403 or 401, got '500'",
    );
    expect(() => resolveConfig({}, env({ FAIRVISOR_LOG_LEVEL: "loud" }))).toThrow("FAIRVISOR_LOG_LEVEL must be one of");
  });
});

describe("parseTrustedProxies", () => {
  it("normalises bare addresses to single-host CIDRs and skips empty items", () => {
    expect(parseTrustedProxies("127.0.0.1, ::1,,10.0.0.0/8 ")).toEqual(["127.0.0.1/32", "::1/128", "10.0.0.0/8"]);
  });
  it("refuses what is not a CIDR", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow("invalid trusted proxy CIDR: '10.0.0.0/33'");
    expect(() => parseTrustedProxies("localhost")).toThrow("invalid trusted proxy CIDR: 'localhost'");
    expect(() => parseTrustedProxies("10.0.0.0/x")).toThrow("invalid trusted proxy CIDR: '10.0.0.0/x'");
  });
});

describe("vmConfigurationFor", () => {
  it("is the deployment JSON the wasm reads at VM start", () => {
    const c = resolveConfig({ trustedProxies: "127.0.0.1/32,10.0.0.0/8" }, env({}));
    expect(vmConfigurationFor(c)).toBe('{"trusted_proxies":["127.0.0.1/32","10.0.0.0/8"],"trust_geo_headers":false,"decision_info":true}');
  });
});
