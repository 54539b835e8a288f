// Proves that no request input traps the engine (STYLE.md "nothing traps"): thousands of random paths,
// hosts, methods, headers, JWTs (random bytes, random JSON, truncated base64) and user agents against a
// bundle that uses every descriptor source, match rules, a fallback, shadow and kill switches. A trap
// would abort this spec; each decision is also checked for a consistent shape.
import { Engine, EngineOptions } from "../engine/engine";
import { Decision } from "../engine/decision";
import { CostSource, Policy } from "../policy/model";
import {
  base64UrlEncode, bundleOf, exactPolicy, killSwitch, ns, prefixPolicy, tbRule, withCost, withMatch,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

let seed: u32 = 0x9e3779b9;
function next(): u32 {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}
function pick(n: i32): i32 {
  return i32(next() % u32(n));
}

const ALPHABET = "/?&=%+.-_ :aZ09{}[]\",\\\u0000\t\u00e9\u20ac#@!*~AbC";
function randomText(maxLen: i32): string {
  const n = pick(maxLen + 1);
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET.charAt(pick(ALPHABET.length));
  return s;
}

const JSONISH: string[] = [
  "{", "}", "[", "]", "\"sub\"", "\"org\"", "\"tier\"", ":", ",", "1", "-2.5e3", "true", "false", "null",
  "\"x\"", "\"\\u00e9\"", " ", "\"gold\"", "{\"a\":1}",
];
function randomJsonish(): string {
  const n = pick(12);
  let s = pick(2) == 0 ? "{" : "";
  for (let i = 0; i < n; i++) s += JSONISH[pick(JSONISH.length)];
  return s;
}

function randomAuthorization(): string {
  switch (pick(5)) {
    case 0: return "Bearer " + randomText(30);
    case 1: return "Bearer h." + base64UrlEncode(randomJsonish()) + ".s";
    case 2: return "Bearer h." + base64UrlEncode(randomJsonish()) + "A.s";
    case 3: return "Bearer " + randomText(8) + "." + randomText(12) + "." + randomText(4);
    default: return randomText(20);
  }
}

const METHODS: string[] = ["GET", "POST", "get", "", "DELETE", "\u0000"];
const PATHS: string[] = ["/", "/api/", "/api/x", "/v1/chat", "//", "/ks", "?", "", "/api/x?units=", "/a%2F/b?q=%"];
const UAS: string[] = ["Googlebot", "curl/8", "", "GPTBot Slackbot", "Mozilla/5.0 Chrome"];

function policies(): Policy[] {
  const a = prefixPolicy("a", "/", [
    withMatch(tbRule("gold", 5, 5, ["jwt:tier", "header:x-key"]), "jwt:tier", "gold"),
    withCost(tbRule("q", 2, 3, ["query:units", "ip:address"]), CostSource.QUERY, "units", 1, 1),
    withCost(tbRule("h", 2, 3, ["ua:bot", "ua:bot_category"]), CostSource.HEADER, "x-cost", 1, 2),
  ]);
  a.fallback = tbRule("rule", 1, 2, ["ip:country", "ip:asn", "ip:type", "ip:tor"]);
  const b = prefixPolicy("b", "/api/", [tbRule("b", 1, 1, ["jwt:sub"])]);
  b.shadow = true;
  const c = exactPolicy("c", "/v1/chat", [tbRule("c", 1, 2, ["header:x_key", "jwt:org"])]);
  c.selector.hosts = ["api.example.com"];
  return [a, b, c];
}

describe("engine fuzz", () => {
  it("never traps and always returns a well-formed decision", () => {
    const bundle = bundleOf(policies());
    bundle.killSwitches = [killSwitch("jwt:org", "x"), killSwitch("query:q", "%", "/a%2F/b"), killSwitch("ua:bot_category", "archiver")];
    const trusted = new EngineOptions();
    trusted.trustGeoHeaders = true;
    const engines = [new Engine(bundle, new EngineOptions()), new Engine(bundle, trusted)];
    const store = new MapStore();
    const out = new Decision();
    let rejects = 0;
    for (let i = 0; i < 3000; i++) {
      const path = pick(3) == 0 ? randomText(24) : PATHS[pick(PATHS.length)] + randomText(6);
      const host = pick(2) == 0 ? "api.example.com" : randomText(12);
      const req = new FakeRequest(METHODS[pick(METHODS.length)], path, host, pick(2) == 0 ? "10.0.0.1" : randomText(6));
      if (pick(2) == 0) req.with("authorization", randomAuthorization());
      if (pick(2) == 0) req.with("x-key", randomText(5));
      if (pick(2) == 0) req.with("x-cost", randomText(4));
      if (pick(2) == 0) req.with("user-agent", UAS[pick(UAS.length)] + randomText(3));
      if (pick(2) == 0) req.with("x-tor-exit", randomText(3));
      if (pick(3) == 0) req.with("x-country-code", randomText(2));
      if (pick(4) == 0) store.pendingMismatches = pick(40);
      store.unavailable = pick(50) == 0;
      const engine = engines[pick(2)];
      engine.evaluate(req, ns(1800000000 + f64(i) * 0.01 - f64(pick(3))), store, out);
      expect(out.status == 200 || out.status == 429).toBe(true);
      expect(out.headers.length % 2).toBe(0);
      expect(out.descriptors.length % 2).toBe(0);
      if (out.status == 429) {
        rejects++;
        expect(out.retryAfter >= 1).toBe(true);
        expect(out.reason.length > 0).toBe(true);
      }
    }
    expect(rejects > 0).toBe(true);
  });
});
