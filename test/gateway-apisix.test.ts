// plugins/apisix: the wasm plugin declaration and the route. APISIX cannot run here (research/gateways.md
// section 8); the files are parsed and the route's conf goes to the real module's validator under the apisix
// profile. How the module counts there (per worker, no shared data) is gateway-apisix-profile.test.ts.
import { describe, expect, it } from "vitest";
import { startHost } from "./support/fairvisor-host.js";
import { DEMO_BUNDLE, pluginText, pluginYaml } from "./support/gateways/plugin-files.js";

describe("plugins/apisix", () => {
  const config = pluginYaml("apisix", "config.yaml");
  const routes = pluginYaml("apisix", "apisix.yaml").routes;

  it("config.yaml declares the wasm plugin and the YAML config provider", () => {
    expect(config.wasm.plugins).toEqual([
      { name: "fairvisor", priority: 7999, file: "/usr/local/apisix/wasm/fairvisor.wasm", http_request_phase: "access" },
    ]);
    expect(config.deployment.role_data_plane.config_provider).toBe("yaml");
  });

  it("apisix.yaml ends with #END and carries the demo bundle as the plugin conf string", () => {
    expect(pluginText("apisix", "apisix.yaml").trimEnd().endsWith("#END")).toBe(true);
    const conf = routes[0].plugins.fairvisor.conf;
    expect(typeof conf).toBe("string");
    expect(JSON.parse(conf)).toEqual(DEMO_BUNDLE);
  });

  it("the conf passes the module's validator under the apisix profile", async () => {
    const t = await startHost(undefined, { profile: "apisix", pluginName: "fairvisor" });
    const result = t.host.configure(routes[0].plugins.fairvisor.conf);
    expect(result.ok).toBe(true);
    expect(result.logs.filter((l) => l.level === "error")).toEqual([]);
  });
});
