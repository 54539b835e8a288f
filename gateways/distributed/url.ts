// Connection targets from one URL, so a single variable (FAIRVISOR_REDIS_URL / --redis) covers the three
// deployments ioredis supports:
//   redis://[user:pass@]host:port[/db]   and rediss:// (TLS)          one server (ioredis parses it)
//   redis+cluster://[user:pass@]h1:p1,h2:p2[?tls=1]                   Redis Cluster (startup nodes)
//   redis+sentinel://[user:pass@]s1:p1,s2:p2/<master name>[/db]       Sentinel (sentinel addresses)
// Anything else ioredis accepts goes in FAIRVISOR_REDIS_OPTIONS (JSON, merged over these).
import type { RedisOptions } from "ioredis";

export class RedisUrlError extends Error {}

export type ConnectionTarget =
  | { kind: "single"; options: RedisOptions }
  | { kind: "cluster"; nodes: Array<{ host: string; port: number }>; options: RedisOptions }
  | { kind: "sentinel"; options: RedisOptions };

export function connectionTarget(url: string): ConnectionTarget {
  const m = /^([a-z+]+):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!m) throw new RedisUrlError(`invalid Redis URL: '${url}'`);
  const [, scheme, user, pass, hostList, path = "", query = ""] = m;
  const auth: RedisOptions = {};
  if (user) auth.username = decodeURIComponent(user);
  if (pass !== undefined) auth.password = decodeURIComponent(pass);
  const params = new URLSearchParams(query.slice(1));
  if (params.get("tls") === "1" || scheme === "rediss" || scheme.endsWith("+tls")) auth.tls = {};
  const defaultPort = scheme.startsWith("redis+sentinel") ? 26379 : 6379;
  const hosts = hostList.split(",").filter(Boolean).map((h) => parseHostPort(h, defaultPort));
  if (hosts.length === 0) throw new RedisUrlError(`Redis URL has no host: '${url}'`);
  const segments = path.split("/").filter(Boolean);

  if (scheme === "redis" || scheme === "rediss") {
    if (hosts.length !== 1) throw new RedisUrlError("redis:// takes one host; use redis+cluster:// or redis+sentinel://");
    return { kind: "single", options: { ...auth, host: hosts[0].host, port: hosts[0].port, db: dbOf(segments[0]) } };
  }
  if (scheme === "redis+cluster" || scheme === "redis+cluster+tls") {
    return { kind: "cluster", nodes: hosts, options: auth };
  }
  if (scheme === "redis+sentinel" || scheme === "redis+sentinel+tls") {
    const name = segments[0];
    if (!name) throw new RedisUrlError("redis+sentinel:// needs the master name as its path: redis+sentinel://h1:26379,h2:26379/mymaster");
    return { kind: "sentinel", options: { ...auth, sentinels: hosts, name, db: dbOf(segments[1]) } };
  }
  throw new RedisUrlError(`unsupported Redis URL scheme '${scheme}' (redis, rediss, redis+cluster, redis+sentinel)`);
}

function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new RedisUrlError(`invalid Redis host '${text}'`);
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  return { host, port: m[2] === undefined ? defaultPort : Number(m[2]) };
}

function dbOf(segment: string | undefined): number {
  if (segment === undefined) return 0;
  if (!/^\d+$/.test(segment)) throw new RedisUrlError(`invalid Redis database '${segment}'`);
  return Number(segment);
}
