// plugins/envoy: the Wasm filter config (envoy.yaml) runs the real module with the options it declares, and
// the ext_authz alternative (envoy-ext-authz.yaml) is replayed against the real decision service in the
// shape Envoy sends (research/gateways.md 1.9: client method, path_prefix + original path and query, only
// the allowed headers, no body; only 200 allows; a 429 passes through with allowed_client_headers).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, startHost } from "./support/fairvisor-host.js";
import { rawRequest, startDecisionService, type RunningService } from "./support/gateways/decision-service.js";
import { ROOT } from "./support/gateways/dist.js";
import {
  DEMO_BUNDLE_PATH, DEMO_REJECT_BODY, DEMO_REJECT_HEADERS, demoAllowHeaders, matches, pick, pluginYaml, type StringMatcher,
} from "./support/gateways/plugin-files.js";

const STRING_VALUE = "type.googleapis.com/google.protobuf.StringValue";

function httpFilters(config: any): any[] {
  const hcm = config.static_resources.listeners[0].filter_chains[0].filters[0];
  expect(hcm.typed_config["@type"]).toBe("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
  return hcm.typed_config.http_filters;
}

describe("plugins/envoy/envoy.yaml (Wasm filter)", () => {
  const filters = httpFilters(pluginYaml("envoy", "envoy.yaml"));
  const wasm = filters[0];
  const plugin = wasm.typed_config.config;

  it("declares the Wasm filter before the router, with the documented type URLs and options", () => {
    expect(filters.map((f) => f.name)).toEqual(["envoy.filters.http.wasm", "envoy.filters.http.router"]);
    expect(wasm.typed_config["@type"]).toBe("type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm");
    expect(filters[1].typed_config["@type"]).toBe("type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
    expect(plugin.configuration["@type"]).toBe(STRING_VALUE);
    expect(plugin.vm_config.configuration["@type"]).toBe(STRING_VALUE);
    expect(plugin.failure_policy).toBe("FAIL_CLOSED");
    expect(plugin.vm_config.vm_id).toBe("fairvisor");
    expect(plugin.vm_config.runtime).toBe("envoy.wasm.runtime.v8");
    expect(existsSync(join(ROOT, plugin.vm_config.code.local.filename))).toBe(true);
  });

  it("the embedded bundle passes the module's validator and enforces under the Envoy profile", async () => {
    const t = await startHost(plugin.configuration.value, {
      profile: "envoy",
      vmId: plugin.vm_config.vm_id,
      pluginName: plugin.name,
      rootId: plugin.root_id,
      vmConfiguration: plugin.vm_config.configuration.value,
      workers: 2,
    });
    expect(t.logs.some((l) => l.level === "warn" || l.level === "error")).toBe(false);
    const req = (worker: number) => ({ worker, path: "/api/demo", headers: { "x-api-key": "k1" }, sourceAddress: "203.0.113.7:51000" });
    for (let n = 1; n <= 5; n++) {
      const a = send(t, req(n % 2));
      expect([a.status, pick(a.headers, Object.keys(demoAllowHeaders(n)))]).toEqual([200, demoAllowHeaders(n)]);
    }
    const reject = send(t, req(0));
    expect(reject.status).toBe(429);
    expect(pick(reject.headers, Object.keys(DEMO_REJECT_HEADERS))).toEqual(DEMO_REJECT_HEADERS);
  });
});

describe("plugins/envoy/envoy-ext-authz.yaml against the real decision service", () => {
  const config = pluginYaml("envoy", "envoy-ext-authz.yaml");
  const filters = httpFilters(config);
  const authz = filters[0].typed_config;
  const http = authz.http_service;
  const allowedHeaders: StringMatcher[] = authz.allowed_headers.patterns;
  const clientOnDeny: StringMatcher[] = http.authorization_response.allowed_client_headers.patterns;
  const clientOnAllow: StringMatcher[] = http.authorization_response.allowed_client_headers_on_success.patterns;
  let service: RunningService;

  beforeAll(async () => {
    service = await startDecisionService(["--config", DEMO_BUNDLE_PATH, "--trusted-proxies", "127.0.0.1/32"]);
  }, 120_000);
  afterAll(() => service?.stop());

  it("declares ext_authz over HTTP to the decision service, failing closed", () => {
    expect(filters.map((f) => f.name)).toEqual(["envoy.filters.http.ext_authz", "envoy.filters.http.router"]);
    expect(authz["@type"]).toBe("type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz");
    expect(http.path_prefix).toBe("/v1/decision");
    expect(http.server_uri).toEqual({ uri: "http://127.0.0.1:8080", cluster: "fairvisor", timeout: "0.25s" });
    expect(authz.failure_mode_allow).toBe(false);
    const cluster = config.static_resources.clusters.find((c: any) => c.name === "fairvisor");
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: "127.0.0.1", port_value: 8080 });
    for (const h of ["x-api-key", "authorization", "x-forwarded-for"]) expect(matches(allowedHeaders, h)).toBe(true);
    for (const h of ["retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit", "x-fairvisor-reason"]) {
      expect(matches(clientOnDeny, h)).toBe(true);
    }
  });

  /** The check request Envoy builds from a client request (research 1.9). */
  function checkRequest(method: string, path: string, host: string, client: Array<[string, string]>) {
    const headers: Array<[string, string]> = [["host", host]];
    for (const [k, v] of client) if (k === "authorization" || matches(allowedHeaders, k)) headers.push([k, v]);
    headers.push(["content-length", "0"]);
    return rawRequest(service.port, method, http.path_prefix + path, headers);
  }

  it("allows the burst (200 + RateLimit headers for the client), then passes the 429 through", async () => {
    // What the client sent, plus X-Forwarded-For from the HCM (use_remote_address). Cookie and Accept are
    // not allowed headers: Envoy drops them from the check request.
    const client: Array<[string, string]> = [
      ["x-api-key", "k1"],
      ["user-agent", "curl/8.5.0"],
      ["accept", "*/*"],
      ["cookie", "session=abc"],
      ["x-forwarded-for", "203.0.113.7"],
    ];
    for (let n = 1; n <= 5; n++) {
      const a = await checkRequest("POST", "/api/demo?x=1", "api.example.com", client);
      expect(a.status).toBe(200);
      const toClient = Object.fromEntries(Object.entries(a.headers).filter(([k]) => matches(clientOnAllow, k)));
      expect(toClient).toEqual(demoAllowHeaders(n));
    }
    const deny = await checkRequest("POST", "/api/demo?x=1", "api.example.com", client);
    expect(deny.status).toBe(429);
    const toClient = Object.fromEntries(Object.entries(deny.headers).filter(([k]) => matches(clientOnDeny, k)));
    expect(toClient).toEqual({ ...DEMO_REJECT_HEADERS, "content-type": "application/json" });
    expect(JSON.parse(deny.body)).toEqual(DEMO_REJECT_BODY);
    // Another key, and a path outside the policy: allowed.
    expect((await checkRequest("POST", "/api/demo", "api.example.com", [["x-api-key", "k2"]])).status).toBe(200);
    expect((await checkRequest("GET", "/health", "api.example.com", [["x-api-key", "k1"]])).status).toBe(200);
  });
});
