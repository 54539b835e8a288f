// FAIRVISOR_REDIS_* parsing and the connection URL forms (url.ts), with the exact messages.
import { describe, expect, it } from "vitest";
import { DEFAULTS, DistributedConfigError, distributedOptionsFromEnv } from "./config.js";
import { connectionTarget } from "./url.js";
import { KeyLayout } from "./keys.js";

describe("distributedOptionsFromEnv", () => {
  it("is null without a URL and takes the defaults with one", () => {
    expect(distributedOptionsFromEnv({})).toBeNull();
    expect(distributedOptionsFromEnv({ FAIRVISOR_REDIS_URL: "redis://h:1" })).toEqual({
      url: "redis://h:1",
      mode: "exact",
      failureMode: "fail_closed",
      timeoutMs: 50,
      prefix: "fairvisor:",
      keyTtlSeconds: 172_800,
      maxAttempts: 32,
      maxPendingCommits: 1024,
      maxQueuedRefunds: DEFAULTS.maxQueuedRefunds,
      probeIntervalMs: 200,
      maxCachedKeys: 100_000,
      redisOptions: {},
    });
  });

  it("reads every variable; the flag wins over FAIRVISOR_REDIS_URL", () => {
    const o = distributedOptionsFromEnv(
      {
        FAIRVISOR_REDIS_URL: "redis://env:1",
        FAIRVISOR_REDIS_MODE: "exact",
        FAIRVISOR_REDIS_FAILURE_MODE: "local",
        FAIRVISOR_REDIS_TIMEOUT_MS: "75",
        FAIRVISOR_REDIS_PREFIX: "tenant-a:",
        FAIRVISOR_REDIS_KEY_TTL_S: "3600",
        FAIRVISOR_REDIS_MAX_ATTEMPTS: "8",
        FAIRVISOR_REDIS_MAX_PENDING: "64",
        FAIRVISOR_REDIS_OPTIONS: '{"connectionName":"fv"}',
      },
      "redis://flag:2",
    );
    expect(o).toMatchObject({ url: "redis://flag:2", failureMode: "local", timeoutMs: 75, prefix: "tenant-a:", keyTtlSeconds: 3600, maxAttempts: 8, maxPendingCommits: 64, redisOptions: { connectionName: "fv" } });
  });

  it.each([
    [{ FAIRVISOR_REDIS_MODE: "bounded" }, "FAIRVISOR_REDIS_MODE=bounded is not built (see gateways/distributed/README.md); use exact"],
    [{ FAIRVISOR_REDIS_MODE: "eventual" }, "FAIRVISOR_REDIS_MODE must be exact, got 'eventual'"],
    [{ FAIRVISOR_REDIS_FAILURE_MODE: "open" }, "FAIRVISOR_REDIS_FAILURE_MODE must be fail_open, fail_closed or local, got 'open'"],
    [{ FAIRVISOR_REDIS_TIMEOUT_MS: "0" }, "FAIRVISOR_REDIS_TIMEOUT_MS must be an integer between 1 and 60000, got '0'"],
    [{ FAIRVISOR_REDIS_PREFIX: "a{b}" }, "FAIRVISOR_REDIS_PREFIX must not contain braces (they would move the hash tag)"],
    [{ FAIRVISOR_REDIS_OPTIONS: "[1]" }, "FAIRVISOR_REDIS_OPTIONS must be a JSON object"],
    [{ FAIRVISOR_REDIS_URL: "http://h" }, "unsupported Redis URL scheme 'http' (redis, rediss, redis+cluster, redis+sentinel)"],
    [{ FAIRVISOR_REDIS_URL: "redis+sentinel://s1:26379" }, "redis+sentinel:// needs the master name as its path: redis+sentinel://h1:26379,h2:26379/mymaster"],
  ])("refuses %j", (env, message) => {
    const full = { FAIRVISOR_REDIS_URL: "redis://h:1", ...env };
    expect(() => distributedOptionsFromEnv(full)).toThrow(new DistributedConfigError(message));
  });
});

describe("connectionTarget", () => {
  it("single server, with auth, db and TLS", () => {
    expect(connectionTarget("redis://u:p%40ss@cache:6380/2")).toEqual({ kind: "single", options: { username: "u", password: "p@ss", host: "cache", port: 6380, db: 2 } });
    expect(connectionTarget("rediss://cache")).toEqual({ kind: "single", options: { tls: {}, host: "cache", port: 6379, db: 0 } });
  });

  it("cluster startup nodes and sentinel addresses", () => {
    expect(connectionTarget("redis+cluster://:pw@n1:7000,n2:7001,[::1]:7002")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      options: { password: "pw" },
    });
    expect(connectionTarget("redis+sentinel://s1,s2:26380/mymaster/1")).toEqual({
      kind: "sentinel",
      options: { sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26380 }], name: "mymaster", db: 1 },
    });
  });
});

describe("KeyLayout", () => {
  it("puts every key of a vm_id under one hash tag", () => {
    const k = new KeyLayout("fv:");
    expect(k.counter("edge", "tpm:llm:tpm:team-a")).toBe("fv:{edge}:tpm:llm:tpm:team-a");
    expect(k.claim("edge", "tpm:llm:tpm:team-a")).toBe("fv:{edge}!tpm:llm:tpm:team-a");
    expect(k.sequence("edge")).toBe("fv:{edge}#seq");
    expect(() => k.counter("a}b", "x")).toThrow("vm_id must not contain braces: 'a}b'");
  });
});
