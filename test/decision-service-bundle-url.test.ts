// FAIRVISOR_BUNDLE_URL (project decision 14): the service polls with If-None-Match, applies only a higher
// bundle_version, checks the signature when a key is set (spec 2.6), and keeps enforcing the last good
// bundle while the source is down or serves a bad bundle.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signBundle } from "../gateways/standalone/bundle-signature.js";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle, until } from "./support/service-harness.js";

let served = { status: 200, body: tokenBucketBundle(1), etag: '"v1"' };
const conditional: Array<string | undefined> = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    conditional.push(req.headers["if-none-match"]);
    if (req.headers["if-none-match"] === served.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(served.status, { etag: served.etag }).end(served.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.json?token=secret`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  conditional.length = 0;
});

describe("bundle URL source", () => {
  it("loads at startup, then polls with If-None-Match; a new version applies, a lower one, a bad one and an outage change nothing", async () => {
    served = { status: 200, body: tokenBucketBundle(1), etag: '"v1"' };
    const s = await startService(null, { bundleUrl: url, bundlePollIntervalMs: 40 });
    running.push(s.service);
    expect(s.service.activeBundle?.version).toBe(1);
    await until(() => conditional.includes('"v1"'));

    served = { status: 200, body: tokenBucketBundle(3), etag: '"v3"' };
    await until(() => s.service.activeBundle?.version === 3);
    served = { status: 200, body: tokenBucketBundle(2), etag: '"v2"' };
    await until(() => s.log.events("standalone_reload_failed").some((e) => e.err === "version_not_monotonic"));
    served = { status: 200, body: '{"bundle_version":9,"policies":"x"}', etag: '"bad"' };
    await until(() => s.log.events("standalone_reload_failed").some((e) => e.err === "policies must be a table"));
    served = { status: 503, body: "down", etag: '"down"' };
    await until(() => s.log.events("bundle_pull_failed").some((e) => e.err === "HTTP 503"));
    expect(s.service.activeBundle?.version).toBe(3);
    // The token in the query string never reaches the logs.
    expect(JSON.stringify(s.log.lines)).not.toContain("secret");
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toContain('fairvisor_bundle_reloads_total{result="refused"} 1');
    expect(metrics).toContain('fairvisor_bundle_reloads_total{result="version_not_monotonic"} 1');
    expect(metrics).toMatch(/fairvisor_saas_calls_total\{operation="config_pull",status="error"\} [1-9]/);
    // Still enforcing version 3.
    const d = await fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/api/a", "x-api-key": "k" } });
    expect(d.status).toBe(200);
  });

  it("with a signing key only a correctly signed bundle applies", async () => {
    served = { status: 200, body: signBundle(tokenBucketBundle(1), "key"), etag: '"s1"' };
    const s = await startService(null, { bundleUrl: url, bundlePollIntervalMs: 40, bundleSigningKey: "key" });
    running.push(s.service);
    expect(s.service.activeBundle?.version).toBe(1);
    served = { status: 200, body: signBundle(tokenBucketBundle(2), "wrong"), etag: '"s2"' };
    await until(() => s.log.events("standalone_reload_failed").some((e) => e.err === "invalid_signature"));
    expect(s.service.activeBundle?.version).toBe(1);
    served = { status: 200, body: signBundle(tokenBucketBundle(3), "key"), etag: '"s3"' };
    await until(() => s.service.activeBundle?.version === 3);
  });
});
