// plugins/kong: the Kong Wasm (ngx_wasm_module) files. Kong cannot run here (research/gateways.md section 8),
// so the files are parsed, the filter config is delivered the way Kong delivers it (cjson.encode of the JSON
// config, research 2a) to the real module, and the module runs under the kong profile with the zones the
// kong.conf snippet configures.
import { describe, expect, it } from "vitest";
import { InMemorySharedData, send, startHost } from "./support/fairvisor-host.js";
import { cjsonEncode } from "./support/gateways/kong-rpc.js";
import { DEMO_BUNDLE, DEMO_REJECT_HEADERS, pick, pluginJson, pluginText, pluginYaml } from "./support/gateways/plugin-files.js";

/** `key = value` lines of the kong.conf snippet, comments dropped. */
function kongConf(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of pluginText("kong", "kong.conf").split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Zones as HostOptions.shmKvZones names them: nginx_wasm_shm_kv → "*", nginx_wasm_shm_kv_<name> → name. */
function zones(conf: Record<string, string>): string[] {
  return Object.keys(conf)
    .filter((k) => k.startsWith("nginx_wasm_shm_kv"))
    .map((k) => (k === "nginx_wasm_shm_kv" ? "*" : k.slice("nginx_wasm_shm_kv_".length)));
}

const filter = pluginYaml("kong", "kong.yml").services[0].routes[0].filter_chains[0].filters[0];
/** What on_configure receives: Kong cjson-encodes a JSON (non-string) filter config. */
const delivered = cjsonEncode(filter.config);

function keysWritten(store: InMemorySharedData): string[] {
  const keys: string[] = [];
  store.beforeSet = (_vm, key) => void keys.push(key);
  return keys;
}

describe("plugins/kong (Kong Wasm filter)", () => {
  it("kong.conf turns Wasm on and configures the fairvisor and default shm_kv zones", () => {
    const conf = kongConf();
    expect(conf).toEqual({
      wasm: "on",
      wasm_filters_path: "/usr/local/kong/wasm",
      wasm_filters: "bundled,user",
      nginx_wasm_shm_kv_fairvisor: "12m",
      nginx_wasm_shm_kv: "12m",
    });
    expect(zones(conf)).toEqual(["fairvisor", "*"]);
  });

  it("kong.yml's filter config is the demo bundle, and fits fairvisor.meta.json's config_schema", () => {
    const meta = pluginJson("kong", "fairvisor.meta.json");
    const schema = meta.config_schema;
    expect(filter.name).toBe("fairvisor"); // = fairvisor.wasm's base name in wasm_filters_path
    expect(filter.config).toEqual(DEMO_BUNDLE);
    expect(schema.type).toBe("object");
    for (const key of schema.required) expect(filter.config).toHaveProperty(key);
    expect(Number.isInteger(filter.config.bundle_version) && filter.config.bundle_version >= schema.properties.bundle_version.minimum).toBe(true);
    expect(Array.isArray(filter.config.policies)).toBe(true);
    expect(delivered).toContain('"pathPrefix":"\\/api\\/"'); // lua-cjson escapes "/"
  });

  it("the delivered config passes the module's validator; a string config would arrive quoted and be refused", async () => {
    const t = await startHost(undefined, { profile: "kong", shmKvZones: zones(kongConf()) });
    expect(t.host.configure(delivered).ok).toBe(true);
    const refused = await startHost(undefined, { profile: "kong", shmKvZones: zones(kongConf()) });
    expect(refused.host.configure(JSON.stringify(JSON.stringify(DEMO_BUNDLE))).ok).toBe(false);
  });

  it("runs under the kong profile with kong.conf's zones: today's keys land in the default zone", async () => {
    // Kong renders `module <name> <path>;` with no VM configuration, so the module gets none.
    const store = new InMemorySharedData({ casRule: "strict" });
    const keys = keysWritten(store);
    const t = await startHost(delivered, { profile: "kong", shmKvZones: zones(kongConf()), store, workers: 2 });
    const statuses = [0, 1, 0, 1, 0, 1].map((worker) => send(t, { worker, path: "/api/demo", headers: { "x-api-key": "k1" }, sourceAddress: "203.0.113.7" }));
    expect(statuses.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(pick(statuses[5].headers, Object.keys(DEMO_REJECT_HEADERS))).toEqual(DEMO_REJECT_HEADERS);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => !k.startsWith("fairvisor/"))).toBe(true);
  });

  it("with shared_data_prefix the keys land in the fairvisor zone, which alone is enough", async () => {
    const store = new InMemorySharedData({ casRule: "strict" });
    const keys = keysWritten(store);
    const t = await startHost(delivered, {
      profile: "kong",
      shmKvZones: ["fairvisor"],
      vmConfiguration: JSON.stringify({ shared_data_prefix: "fairvisor/" }),
      store,
      workers: 2,
    });
    const statuses = [0, 1, 0, 1, 0, 1].map((worker) => send(t, { worker, path: "/api/demo", headers: { "x-api-key": "k1" }, sourceAddress: "203.0.113.7" }).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith("fairvisor/"))).toBe(true);
  });

  it("without a zone for its keys the module traps and Kong answers 500 (why kong.conf needs a zone)", async () => {
    const t = await startHost(delivered, { profile: "kong", shmKvZones: ["fairvisor"] });
    const a = send(t, { path: "/api/demo", headers: { "x-api-key": "k1" }, sourceAddress: "203.0.113.7" });
    expect(a.status).toBe(500);
  });
});
