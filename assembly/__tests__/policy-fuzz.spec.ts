// Proves no input traps the loader: every mutation of a bundle that uses every feature either loads
// (with consistent counts) or is refused with a message. Mutations replace each value in the tree with
// values of other types, and delete or replace single characters of the text.
import { JsonKind, JsonValue, parseJson } from "../json";
import { loadBundle } from "../policy";
import { NOW } from "./policy-helpers";

const RICH = `{
  "bundle_version": 3,
  "issued_at": "2026-01-01T00:00:00Z",
  "expires_at": "2030-01-01T00:00:00Z",
  "global_shadow": {"enabled": true, "reason": "drill", "expires_at": "2027-01-01T00:00:00Z"},
  "kill_switch_override": {"enabled": false},
  "kill_switches": [
    {"scope_key": "header:X-Tenant", "scope_value": "t1", "route": "/v1/x", "reason": "r", "expires_at": "2027-01-01T00:00:00Z"},
    {"scope_key": "ua:bot", "scope_value": "true"}
  ],
  "policies": [
    {"id": "tb", "spec": {
      "selector": {"hosts": ["API.example.com:443"], "pathPrefix": "/api", "pathExact": "/x", "methods": ["GET"]},
      "mode": "shadow",
      "rules": [
        {"name": "a", "limit_keys": ["jwt:org", "ip:address"], "algorithm": "token_bucket",
         "algorithm_config": {"rps": 5, "burst": 10, "cost_source": "header:X-Cost", "fixed_cost": 2, "default_cost": 1},
         "match": {"jwt:plan": "pro", "header:x-n": 4, "ua:bot": false}}
      ],
      "fallback_limit": {"limit_keys": ["ip:address"], "algorithm": "token_bucket", "algorithm_config": {"tokens_per_second": 1, "burst": 1}},
      "loop_detection": {"enabled": true, "window_seconds": 60, "threshold_identical_requests": 3, "action": "warn", "similarity": "exact"},
      "circuit_breaker": {"enabled": true, "spend_rate_threshold_per_minute": 100, "action": "reject", "auto_reset_after_minutes": 0, "alert": false}
    }},
    {"id": "cb", "spec": {"selector": {"pathPrefix": "/"}, "rules": [
      {"name": "b", "limit_keys": ["query:k"], "algorithm": "cost_based",
       "algorithm_config": {"budget": 100, "period": "7d", "cost_key": "query:units", "default_cost": 2,
         "staged_actions": [{"threshold_percent": 100, "action": "reject"}, {"threshold_percent": 50, "action": "throttle", "delay_ms": 10}]}}
    ]}},
    {"id": "llm", "spec": {"selector": {"pathExact": "/v1/chat"}, "rules": [
      {"name": "c", "limit_keys": [], "algorithm": "token_bucket_llm",
       "algorithm_config": {"tokens_per_minute": 600, "tokens_per_day": 9000, "burst_tokens": 700, "max_tokens_per_request": 500,
         "max_prompt_tokens": 400, "max_completion_tokens": 300, "default_max_completion": 200,
         "token_source": {"estimator": "header_hint"},
         "streaming": {"enabled": true, "enforce_mid_stream": false, "buffer_tokens": 10, "on_limit_exceeded": "error_chunk", "include_partial_usage": true}}}
    ]}}
  ]
}`;

const ALTERNATIVES = ["null", "true", "false", "0", "-1", "2.5", "\"\"", "\"x\"", "[]", "{}", "[null]", "{\"a\": 1}"];

let checked = 0;
let outcomesOk = 0;

/** Loads one text and checks the outcome is coherent. */
function check(text: string): void {
  checked++;
  const r = loadBundle(text, NOW);
  const b = r.bundle;
  if (b === null) {
    if (r.fatalError.length > 0 && r.policyErrors.length == 0) outcomesOk++;
    return;
  }
  if (r.fatalError.length == 0 && b.policies.length + r.policyErrors.length == b.rawPolicyCount) outcomesOk++;
}

function quote(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20) out += "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

// Serialises `v`, writing `replacement` instead of the node numbered `target` in depth-first order.
let counter = 0;
function write(v: JsonValue, target: i32, replacement: string): string {
  const index = counter++;
  if (index == target) {
    // Still count the skipped subtree so later numbers stay the same.
    countNodes(v);
    return replacement;
  }
  switch (v.kind) {
    case JsonKind.NULL: return "null";
    case JsonKind.BOOL: return v.bool ? "true" : "false";
    case JsonKind.NUMBER: return v.num.toString();
    case JsonKind.STRING: return quote(v.str);
    case JsonKind.ARRAY: {
      let out = "[";
      for (let i = 0; i < v.items.length; i++) out += (i > 0 ? "," : "") + write(v.items[i], target, replacement);
      return out + "]";
    }
    default: {
      let out = "{";
      for (let i = 0; i < v.keys.length; i++) out += (i > 0 ? "," : "") + quote(v.keys[i]) + ":" + write(v.values[i], target, replacement);
      return out + "}";
    }
  }
}

function countNodes(v: JsonValue): void {
  for (let i = 0; i < v.items.length; i++) {
    counter++;
    countNodes(v.items[i]);
  }
  for (let i = 0; i < v.values.length; i++) {
    counter++;
    countNodes(v.values[i]);
  }
}

describe("loader fuzz", () => {
  it("the rich bundle loads whole", () => {
    const r = loadBundle(RICH, NOW);
    expect(r.fatalError).toBe("");
    expect(r.policyErrors.length).toBe(0);
    const b = r.bundle;
    expect(b !== null && b.policies.length == 3 && b.rawRuleCount == 3 && b.killSwitches.length == 2 && b.needsUserAgent).toBe(true);
  });

  it("every value replaced by every other type", () => {
    const parsed = parseJson(RICH).value;
    expect(parsed === null).toBe(false);
    if (parsed === null) return;
    counter = 0;
    write(parsed, -1, "");
    const nodes = counter;
    expect(nodes).toBe(118);
    checked = 0;
    outcomesOk = 0;
    for (let target = 0; target < nodes; target++) {
      for (let k = 0; k < ALTERNATIVES.length; k++) {
        counter = 0;
        check(write(parsed, target, ALTERNATIVES[k]));
      }
    }
    expect(checked).toBe(nodes * ALTERNATIVES.length);
    expect(outcomesOk).toBe(checked);
  });

  it("every single-character deletion and substitution", () => {
    const subs = ["", "\"", "0"];
    checked = 0;
    outcomesOk = 0;
    for (let i = 0; i < RICH.length; i++) {
      for (let k = 0; k < subs.length; k++) check(RICH.substring(0, i) + subs[k] + RICH.substring(i + 1));
    }
    expect(checked).toBe(RICH.length * subs.length);
    expect(outcomesOk).toBe(checked);
  });

  it("every prefix", () => {
    checked = 0;
    outcomesOk = 0;
    for (let i = 0; i < RICH.length; i++) check(RICH.substring(0, i));
    expect(outcomesOk).toBe(checked);
  });
});
