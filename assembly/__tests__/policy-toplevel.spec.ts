// Proves the top-level checks of spec 2.1 (order and exact messages), the runtime override blocks
// of 2.3 and the kill-switch entries of 2.4: each failure refuses the whole bundle.
import { KeySource, NO_EXPIRY } from "../policy";
import { bundleOf, bundleText, fatalOf, load, NOW, topFatalOf } from "./policy-helpers";

describe("2.1 input and shape", () => {
  it("empty text", () => {
    expect(fatalOf("")).toBe("json_string_required");
  });
  it("non-JSON carries the parser's position", () => {
    expect(fatalOf("{\"bundle_version\": 1,}")).toBe("json_parse_error: unexpected character '}' at line 1 column 22");
    expect(fatalOf("   ")).toBe("json_parse_error: unexpected end of input at line 1 column 4");
  });
  it("a scalar is not a table", () => {
    expect(fatalOf("42")).toBe("bundle must be a table");
    expect(fatalOf("\"x\"")).toBe("bundle must be a table");
    expect(fatalOf("null")).toBe("bundle must be a table");
  });
  it("a top-level array gives the bundle_version error", () => {
    expect(fatalOf("[]")).toBe("bundle_version must be a positive number");
    expect(fatalOf("[{\"bundle_version\": 1}]")).toBe("bundle_version must be a positive number");
  });
  it("a refused bundle has no bundle", () => {
    expect(load("{}").bundle === null).toBe(true);
  });
});

describe("2.1 bundle_version", () => {
  it("missing", () => {
    expect(fatalOf("{\"policies\": []}")).toBe("bundle_version must be a positive number");
  });
  it("string \"7\"", () => {
    expect(fatalOf("{\"bundle_version\": \"7\", \"policies\": []}")).toBe("bundle_version must be a positive number");
  });
  it("zero and negative", () => {
    expect(fatalOf("{\"bundle_version\": 0, \"policies\": []}")).toBe("bundle_version must be a positive number");
    expect(fatalOf("{\"bundle_version\": -1, \"policies\": []}")).toBe("bundle_version must be a positive number");
  });
  it("is checked before policies", () => {
    expect(fatalOf("{\"bundle_version\": null}")).toBe("bundle_version must be a positive number");
  });
  it("fractional versions load", () => {
    expect(bundleOf("{\"bundle_version\": 2.5, \"policies\": []}").version).toBe(2.5);
  });
});

describe("2.1 policies", () => {
  it("missing", () => {
    expect(fatalOf("{\"bundle_version\": 1}")).toBe("policies must be a table");
  });
  it("a string", () => {
    expect(fatalOf("{\"bundle_version\": 1, \"policies\": \"x\"}")).toBe("policies must be a table");
  });
  it("null", () => {
    expect(fatalOf("{\"bundle_version\": 1, \"policies\": null}")).toBe("policies must be a table");
  });
  it("an empty object passes with zero policies", () => {
    const r = load("{\"bundle_version\": 1, \"policies\": {}}");
    expect(r.fatalError).toBe("");
    const b = r.bundle;
    expect(b !== null && b.policies.length == 0 && b.rawPolicyCount == 0).toBe(true);
  });
  it("a non-empty object gives zero policies (Lua ipairs)", () => {
    const b = bundleOf("{\"bundle_version\": 1, \"policies\": {\"a\": {\"id\": \"x\"}}}");
    expect(b.policies.length).toBe(0);
    expect(b.rawPolicyCount).toBe(0);
    expect(load("{\"bundle_version\": 1, \"policies\": {\"a\": 1}}").policyErrors.length).toBe(0);
  });
  it("is checked before issued_at", () => {
    expect(fatalOf("{\"bundle_version\": 1, \"policies\": 3, \"issued_at\": \"bad\"}")).toBe("policies must be a table");
  });
});

describe("2.1 issued_at and expires_at", () => {
  it("issued_at with an offset", () => {
    expect(topFatalOf(", \"issued_at\": \"2026-01-01T00:00:00+00:00\"")).toBe("issued_at_invalid");
  });
  it("issued_at that is not a string", () => {
    expect(topFatalOf(", \"issued_at\": 1767225600")).toBe("issued_at_invalid");
    expect(topFatalOf(", \"issued_at\": null")).toBe("issued_at_invalid");
  });
  it("issued_at on an impossible date", () => {
    expect(topFatalOf(", \"issued_at\": \"2026-02-30T00:00:00Z\"")).toBe("issued_at_invalid");
  });
  it("issued_at in the future is fine", () => {
    expect(topFatalOf(", \"issued_at\": \"2099-01-01T00:00:00Z\"")).toBe("");
  });
  it("expires_at with fractional seconds", () => {
    expect(topFatalOf(", \"expires_at\": \"2030-01-01T00:00:00.000Z\"")).toBe("expires_at_invalid");
  });
  it("expires_at in the past", () => {
    expect(topFatalOf(", \"expires_at\": \"2026-01-01T00:00:00Z\"")).toBe("bundle_expired");
  });
  it("expires_at exactly now is expired", () => {
    expect(topFatalOf(", \"expires_at\": \"2026-06-01T00:00:00Z\"")).toBe("bundle_expired");
  });
  it("expires_at one second after now loads", () => {
    const b = bundleOf(bundleText("", ", \"expires_at\": \"2026-06-01T00:00:01Z\""));
    expect(b.expiresAt).toBe(NOW + 1);
  });
  it("issued_at is checked before expires_at", () => {
    expect(topFatalOf(", \"expires_at\": \"2020-01-01T00:00:00Z\", \"issued_at\": \"x\"")).toBe("issued_at_invalid");
  });
  it("absent timestamps are NO_EXPIRY", () => {
    const b = bundleOf(bundleText(""));
    expect(b.issuedAt).toBe(NO_EXPIRY);
    expect(b.expiresAt).toBe(NO_EXPIRY);
  });
  it("both are compiled to epoch seconds", () => {
    const b = bundleOf(bundleText("", ", \"issued_at\": \"2026-01-01T00:00:00Z\", \"expires_at\": \"2030-01-01T00:00:00Z\""));
    expect(b.issuedAt).toBe(1767225600);
    expect(b.expiresAt).toBe(1893456000);
  });
});

describe("2.1 order of the remaining checks", () => {
  it("expires_at before kill_switches", () => {
    expect(topFatalOf(", \"kill_switches\": 1, \"expires_at\": \"2020-01-01T00:00:00Z\"")).toBe("bundle_expired");
  });
  it("kill_switches before global_shadow", () => {
    expect(topFatalOf(", \"global_shadow\": 1, \"kill_switches\": 1")).toBe("kill_switch_invalid: kill_switches must be a table");
  });
  it("global_shadow before kill_switch_override", () => {
    expect(topFatalOf(", \"kill_switch_override\": 1, \"global_shadow\": 1")).toBe("global_shadow_invalid: must be a table");
  });
  it("a fatal error wins over policy errors", () => {
    const r = load(bundleText("1", ", \"global_shadow\": 1"));
    expect(r.fatalError).toBe("global_shadow_invalid: must be a table");
    expect(r.policyErrors.length).toBe(0);
  });
});

describe("2.3 global_shadow", () => {
  it("must be a table", () => {
    expect(topFatalOf(", \"global_shadow\": true")).toBe("global_shadow_invalid: must be a table");
    expect(topFatalOf(", \"global_shadow\": null")).toBe("global_shadow_invalid: must be a table");
  });
  it("enabled is required", () => {
    expect(topFatalOf(", \"global_shadow\": {}")).toBe("global_shadow_invalid: enabled is required");
    expect(topFatalOf(", \"global_shadow\": []")).toBe("global_shadow_invalid: enabled is required");
  });
  it("enabled must be a boolean", () => {
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": \"true\"}")).toBe("global_shadow_invalid: enabled must be a boolean");
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": null}")).toBe("global_shadow_invalid: enabled must be a boolean");
  });
  it("disabled checks nothing else", () => {
    const b = bundleOf(bundleText("", ", \"global_shadow\": {\"enabled\": false, \"reason\": 5, \"expires_at\": \"x\"}"));
    const g = b.globalShadow;
    expect(g !== null && !g.enabled).toBe(true);
  });
  it("reason is required when enabled", () => {
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true}")).toBe("global_shadow_invalid: reason is required when enabled");
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"\"}")).toBe("global_shadow_invalid: reason is required when enabled");
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": 7}")).toBe("global_shadow_invalid: reason is required when enabled");
  });
  it("reason of 257 bytes", () => {
    const reason = "x".repeat(257);
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"" + reason + "\"}")).toBe("global_shadow_invalid: reason must be <= 256 chars");
  });
  it("reason length counts UTF-8 bytes, as Lua's #", () => {
    const reason = "\u00e9".repeat(129); // 258 bytes, 129 chars
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"" + reason + "\"}")).toBe("global_shadow_invalid: reason must be <= 256 chars");
  });
  it("reason of 256 bytes passes", () => {
    const reason = "x".repeat(256);
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"" + reason + "\", \"expires_at\": \"2027-01-01T00:00:00Z\"}")).toBe("");
  });
  it("expires_at is required when enabled", () => {
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"r\"}")).toBe("global_shadow_invalid: expires_at is required when enabled");
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"r\", \"expires_at\": \"\"}")).toBe("global_shadow_invalid: expires_at is required when enabled");
  });
  it("expires_at must parse", () => {
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"r\", \"expires_at\": \"2027-01-01\"}")).toBe("global_shadow_invalid: expires_at_invalid");
  });
  it("expires_at in the past", () => {
    expect(topFatalOf(", \"global_shadow\": {\"enabled\": true, \"reason\": \"r\", \"expires_at\": \"2026-06-01T00:00:00Z\"}")).toBe("global_shadow_invalid: expired");
  });
  it("compiles an active block", () => {
    const b = bundleOf(bundleText("", ", \"global_shadow\": {\"enabled\": true, \"reason\": \"incident 7\", \"expires_at\": \"2030-01-01T00:00:00Z\"}"));
    const g = b.globalShadow;
    expect(g !== null).toBe(true);
    if (g !== null) {
      expect(g.enabled).toBe(true);
      expect(g.reason).toBe("incident 7");
      expect(g.expiresAt).toBe(1893456000);
    }
    expect(b.killSwitchOverride === null).toBe(true);
  });
});

describe("2.3 kill_switch_override", () => {
  it("uses its own prefix", () => {
    expect(topFatalOf(", \"kill_switch_override\": 1")).toBe("kill_switch_override_invalid: must be a table");
    expect(topFatalOf(", \"kill_switch_override\": {}")).toBe("kill_switch_override_invalid: enabled is required");
    expect(topFatalOf(", \"kill_switch_override\": {\"enabled\": 1}")).toBe("kill_switch_override_invalid: enabled must be a boolean");
    expect(topFatalOf(", \"kill_switch_override\": {\"enabled\": true}")).toBe("kill_switch_override_invalid: reason is required when enabled");
    expect(topFatalOf(", \"kill_switch_override\": {\"enabled\": true, \"reason\": \"r\"}")).toBe("kill_switch_override_invalid: expires_at is required when enabled");
    expect(topFatalOf(", \"kill_switch_override\": {\"enabled\": true, \"reason\": \"r\", \"expires_at\": \"soon\"}")).toBe("kill_switch_override_invalid: expires_at_invalid");
    expect(topFatalOf(", \"kill_switch_override\": {\"enabled\": true, \"reason\": \"r\", \"expires_at\": \"2000-01-01T00:00:00Z\"}")).toBe("kill_switch_override_invalid: expired");
  });
  it("compiles", () => {
    const b = bundleOf(bundleText("", ", \"kill_switch_override\": {\"enabled\": true, \"reason\": \"r\", \"expires_at\": \"2026-06-01T00:00:01Z\"}"));
    const k = b.killSwitchOverride;
    expect(k !== null && k.enabled && k.expiresAt == NOW + 1).toBe(true);
  });
});

function ksFatal(entries: string): string {
  return topFatalOf(", \"kill_switches\": [" + entries + "]");
}

describe("2.4 kill switches", () => {
  it("list must be a table", () => {
    expect(topFatalOf(", \"kill_switches\": \"x\"")).toBe("kill_switch_invalid: kill_switches must be a table");
    expect(topFatalOf(", \"kill_switches\": null")).toBe("kill_switch_invalid: kill_switches must be a table");
  });
  it("an object list gives no switches", () => {
    expect(topFatalOf(", \"kill_switches\": {\"a\": 1}")).toBe("");
    expect(bundleOf(bundleText("", ", \"kill_switches\": {\"a\": 1}")).killSwitches.length).toBe(0);
  });
  it("entry must be a table", () => {
    expect(ksFatal("{\"scope_key\": \"ip:address\", \"scope_value\": \"1\"}, 5")).toBe("kill_switch_invalid: kill_switches[2] must be a table");
  });
  it("scope_key missing", () => {
    expect(ksFatal("{\"scope_value\": \"v\"}")).toBe("kill_switch_invalid: kill_switches[1].scope_key must match ^(jwt|header|query|ip|ua):[A-Za-z0-9_-]+$");
  });
  it("scope_key with an unknown prefix", () => {
    expect(ksFatal("{\"scope_key\": \"cookie:x\", \"scope_value\": \"v\"}")).toBe("kill_switch_invalid: kill_switches[1].scope_key must match ^(jwt|header|query|ip|ua):[A-Za-z0-9_-]+$");
  });
  it("scope_key with an upper-case prefix", () => {
    expect(ksFatal("{\"scope_key\": \"Header:x\", \"scope_value\": \"v\"}")).toBe("kill_switch_invalid: kill_switches[1].scope_key must match ^(jwt|header|query|ip|ua):[A-Za-z0-9_-]+$");
  });
  it("scope_key with a bad name", () => {
    expect(ksFatal("{\"scope_key\": \"header:x api\", \"scope_value\": \"v\"}")).toBe("kill_switch_invalid: kill_switches[1].scope_key must match ^(jwt|header|query|ip|ua):[A-Za-z0-9_-]+$");
    expect(ksFatal("{\"scope_key\": \"jwt:\", \"scope_value\": \"v\"}")).toBe("kill_switch_invalid: kill_switches[1].scope_key must match ^(jwt|header|query|ip|ua):[A-Za-z0-9_-]+$");
  });
  it("scope_value must be a non-empty string (numbers rejected)", () => {
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": 42}")).toBe("kill_switch_invalid: kill_switches[1].scope_value must be a non-empty string");
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"\"}")).toBe("kill_switch_invalid: kill_switches[1].scope_value must be a non-empty string");
  });
  it("route must be a non-empty string when set", () => {
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"route\": \"\"}")).toBe("kill_switch_invalid: kill_switches[1].route must be a non-empty string when set");
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"route\": 3}")).toBe("kill_switch_invalid: kill_switches[1].route must be a non-empty string when set");
  });
  it("route must start with /", () => {
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"route\": \"v1/x\"}")).toBe("kill_switch_invalid: kill_switches[1].route must start with /");
  });
  it("reason must be a string when set", () => {
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"reason\": false}")).toBe("kill_switch_invalid: kill_switches[1].reason must be a string when set");
  });
  it("expires_at must be a string", () => {
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"expires_at\": 1}")).toBe("kill_switch_invalid: kill_switches[1].expires_at must be an ISO 8601 UTC string");
  });
  it("expires_at must parse", () => {
    expect(ksFatal("{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"expires_at\": \"2026-13-01T00:00:00Z\"}")).toBe("kill_switch_invalid: kill_switches[1].expires_at must be valid ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)");
  });
  it("an expired switch is accepted", () => {
    const b = bundleOf(bundleText("", ", \"kill_switches\": [{\"scope_key\": \"jwt:org\", \"scope_value\": \"a\", \"expires_at\": \"2020-01-01T00:00:00Z\"}]"));
    expect(b.killSwitches.length).toBe(1);
    expect(b.killSwitches[0].expiresAt).toBe(1577836800);
  });
  it("compiles every field", () => {
    const b = bundleOf(bundleText("", ", \"kill_switches\": [{\"scope_key\": \"header:X-Tenant\", \"scope_value\": \"t-42\", \"route\": \"/v1/x\", \"reason\": \"incident\"}]"));
    expect(b.killSwitches.length).toBe(1);
    const ks = b.killSwitches[0];
    expect(ks.scopeKey.text).toBe("header:X-Tenant");
    expect(ks.scopeKey.source).toBe(KeySource.HEADER);
    expect(ks.scopeKey.name).toBe("x-tenant");
    expect(ks.scopeValue).toBe("t-42");
    const route = ks.route;
    expect(route !== null && route == "/v1/x").toBe(true);
    expect(ks.reason).toBe("incident");
    expect(ks.expiresAt).toBe(NO_EXPIRY);
  });
  it("ip:foo loads but is left out: it can never match", () => {
    const r = load(bundleText("", ", \"kill_switches\": [{\"scope_key\": \"ip:foo\", \"scope_value\": \"a\"}, {\"scope_key\": \"ip:address\", \"scope_value\": \"10.0.0.1\"}]"));
    expect(r.fatalError).toBe("");
    const b = r.bundle;
    expect(b !== null && b.killSwitches.length == 1 && b.killSwitches[0].scopeKey.source == KeySource.IP_ADDRESS).toBe(true);
  });
  it("a ua: scope sets needsUserAgent", () => {
    expect(bundleOf(bundleText("", ", \"kill_switches\": [{\"scope_key\": \"ua:bot\", \"scope_value\": \"true\"}]")).needsUserAgent).toBe(true);
    expect(bundleOf(bundleText("", ", \"kill_switches\": [{\"scope_key\": \"jwt:ua\", \"scope_value\": \"true\"}]")).needsUserAgent).toBe(false);
  });
});
