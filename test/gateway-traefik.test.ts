// plugins/traefik/dynamic.yml: the forwardAuth middleware's request, as Traefik builds it (research/
// gateways.md 7.2, traefik pkg/middlewares/auth/forward.go: GET to the fixed address, the client's headers
// minus hop-by-hop ones, X-Forwarded-Method/Proto/Host/Uri/For, no body), replayed against the real decision
// service. Traefik itself cannot be installed here (research section 8).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startDecisionService, type RunningService } from "./support/gateways/decision-service.js";
import { DEMO_BUNDLE_PATH, DEMO_REJECT_BODY, DEMO_REJECT_HEADERS, demoAllowHeaders, pick, pluginYaml } from "./support/gateways/plugin-files.js";

const config = pluginYaml("traefik", "dynamic.yml");
const forwardAuth = config.http.middlewares.fairvisor.forwardAuth;
let service: RunningService;

beforeAll(async () => {
  // The service believes X-Forwarded-For from Traefik only (project decision 13).
  service = await startDecisionService(["--config", DEMO_BUNDLE_PATH, "--trusted-proxies", "127.0.0.1/32"]);
}, 120_000);
afterAll(() => service?.stop());

/** What Traefik sends for a client request (trustForwardHeader false: its own X-Forwarded-* values win). */
function forwardAuthRequest(client: { method: string; uri: string; host: string; ip: string; headers: Array<[string, string]> }) {
  const path = new URL(forwardAuth.address).pathname;
  const headers: Array<[string, string]> = [
    ["host", "fairvisor:8080"],
    ...client.headers,
    ["x-forwarded-for", client.ip],
    ["x-forwarded-method", client.method],
    ["x-forwarded-proto", "http"],
    ["x-forwarded-host", client.host],
    ["x-forwarded-uri", client.uri],
  ];
  return rawRequest(service.port, "GET", path, headers);
}

describe("plugins/traefik/dynamic.yml", () => {
  it("declares forwardAuth at the decision service, untrusted forward headers, and the RateLimit response headers", () => {
    expect(forwardAuth.address).toBe("http://fairvisor:8080/v1/decision");
    expect(forwardAuth.trustForwardHeader).toBe(false);
    expect(forwardAuth.authResponseHeaders).toEqual(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit", "Retry-After", "X-Fairvisor-Warning"]);
    expect(config.http.routers.api.middlewares).toEqual(["fairvisor"]);
  });

  it("the decision service answers Traefik's request: 2xx with RateLimit headers, then 429 passed to the client", async () => {
    const client = { method: "POST", uri: "/api/demo?x=1", host: "api.example.com", ip: "203.0.113.7", headers: [["x-api-key", "k1"], ["accept", "*/*"], ["user-agent", "curl/8.5.0"]] as Array<[string, string]> };
    for (let n = 1; n <= 5; n++) {
      const a = await forwardAuthRequest(client);
      expect(a.status).toBe(200);
      // authResponseHeaders: copied onto the upstream request.
      const upstreamGets = Object.fromEntries(forwardAuth.authResponseHeaders.map((h: string) => [h.toLowerCase(), a.headers[h.toLowerCase()]]).filter(([, v]: [string, string | undefined]) => v !== undefined));
      expect(upstreamGets).toEqual(demoAllowHeaders(n));
    }
    const deny = await forwardAuthRequest(client);
    expect(deny.status).toBe(429);
    expect(pick(deny.headers, Object.keys(DEMO_REJECT_HEADERS))).toEqual(DEMO_REJECT_HEADERS);
    expect(JSON.parse(deny.body)).toEqual(DEMO_REJECT_BODY);
    // The original method counts: the policy limits GET and POST only.
    expect((await forwardAuthRequest({ ...client, method: "DELETE" })).status).toBe(200);
  });
});
