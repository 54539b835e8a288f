// Proves the route index of spec 6, one case per bullet: segment splitting, pathExact byte identity
// (without query, project decision 7), the pathPrefix min-depth quirk, methods, hosts, and the
// engine's ordering by id with de-duplication and last-definition-wins for duplicate ids.
import { RequestContext } from "../engine/request-context";
import { RouteIndex, RouteMatches } from "../engine/route-index";
import { Engine, EngineOptions } from "../engine/engine";
import { Decision } from "../engine/decision";
import { Selector } from "../policy/model";
import { bundleOf, exactPolicy, headerOf, ns, prefixPolicy, selectorPolicy, tbRule } from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

function sel(exact: string | null, prefix: string | null): Selector {
  const s = new Selector();
  s.pathExact = exact;
  s.pathPrefix = prefix;
  return s;
}

const ctx = new RequestContext();
const found = new RouteMatches(4);

/** Ranks matched for method/path/host, sorted and joined by ",". */
function ranks(index: RouteIndex, method: string, path: string, host: string = "example.com"): string {
  ctx.begin(new FakeRequest(method, path, host));
  index.match(ctx, found);
  const list: i32[] = [];
  for (let i = 0; i < found.count; i++) list.push(found.ranks[i]);
  list.sort();
  let out = "";
  for (let i = 0; i < list.length; i++) out += (i > 0 ? "," : "") + list[i].toString();
  return out;
}

function single(s: Selector): RouteIndex {
  const index = new RouteIndex();
  index.add(s, 7);
  return index;
}

const exactIndex = single(sel("/v1/data", null));
describe("pathExact", () => {
  it("matches the identical path", () => {
    expect(ranks(exactIndex, "GET", "/v1/data")).toBe("7");
  });
  it("does not match a trailing slash, another case or a sub-path", () => {
    expect(ranks(exactIndex, "GET", "/v1/data/")).toBe("");
    expect(ranks(exactIndex, "GET", "/v1/Data")).toBe("");
    expect(ranks(exactIndex, "GET", "/v1/data/sub")).toBe("");
  });
  it("matches the path without its query string (decision 7)", () => {
    expect(ranks(exactIndex, "GET", "/v1/data?x=1")).toBe("7");
  });
  it("does no URL decoding", () => {
    expect(ranks(single(sel("/v1/a%20b", null)), "GET", "/v1/a b")).toBe("");
    expect(ranks(single(sel("/v1/a%20b", null)), "GET", "/v1/a%20b")).toBe("7");
  });
  it("needs byte identity even when the segments agree (/v1//data)", () => {
    expect(ranks(exactIndex, "GET", "/v1//data")).toBe("");
  });
  it("matches the root exactly", () => {
    const root = single(sel("/", null));
    expect(ranks(root, "GET", "/")).toBe("7");
    expect(ranks(root, "GET", "/x")).toBe("");
  });
});

const v1 = single(sel(null, "/v1/"));
describe("pathPrefix", () => {
  it("/v1/ matches /v1/x and /v1/a/b", () => {
    expect(ranks(v1, "GET", "/v1/x")).toBe("7");
    expect(ranks(v1, "GET", "/v1/a/b")).toBe("7");
  });
  it("/v1/ does not match /v1, /v1/ itself, /v1x/y or /v2/x", () => {
    expect(ranks(v1, "GET", "/v1")).toBe("");
    expect(ranks(v1, "GET", "/v1/")).toBe("");
    expect(ranks(v1, "GET", "/v1x/y")).toBe("");
    expect(ranks(v1, "GET", "/v2/x")).toBe("");
  });
  it("drops empty segments: /v1//x has segments v1, x", () => {
    expect(ranks(v1, "GET", "/v1//x")).toBe("7");
    expect(ranks(v1, "GET", "//v1///x//")).toBe("7");
  });
  it("/ matches everything, / included", () => {
    const root = single(sel(null, "/"));
    expect(ranks(root, "GET", "/")).toBe("7");
    expect(ranks(root, "GET", "/anything/at/all")).toBe("7");
    expect(ranks(root, "GET", "")).toBe("7");
  });
  it("/api/ matches /api/x?y=1 (query ignored)", () => {
    expect(ranks(single(sel(null, "/api/")), "GET", "/api/x?y=1")).toBe("7");
    expect(ranks(single(sel(null, "/api/")), "GET", "/api?y=/x")).toBe("");
  });
  it("a two-segment prefix needs three segments", () => {
    const deep = single(sel(null, "/a/b/"));
    expect(ranks(deep, "GET", "/a/b")).toBe("");
    expect(ranks(deep, "GET", "/a/b/c")).toBe("7");
  });
  it("exact and prefix on one selector: either matches", () => {
    const both = single(sel("/v1", "/v1/"));
    expect(ranks(both, "GET", "/v1")).toBe("7");
    expect(ranks(both, "GET", "/v1/x")).toBe("7");
  });
  it("a selector with neither usable path never matches", () => {
    expect(ranks(single(sel(null, null)), "GET", "/")).toBe("");
    expect(ranks(single(sel("v1", "api/")), "GET", "/v1")).toBe("");
  });
});

describe("methods", () => {
  it("absent: any method", () => {
    expect(ranks(single(sel(null, "/")), "DELETE", "/x")).toBe("7");
  });
  it("matches exactly and case-sensitively", () => {
    const s = sel(null, "/");
    s.methods = ["POST", "GET"];
    const index = single(s);
    expect(ranks(index, "POST", "/x")).toBe("7");
    expect(ranks(index, "post", "/x")).toBe("");
    expect(ranks(index, "PUT", "/x")).toBe("");
  });
  it("an empty list matches nothing; methodsInvalid matches nothing", () => {
    const empty = sel(null, "/");
    empty.methods = [];
    expect(ranks(single(empty), "GET", "/x")).toBe("");
    const invalid = sel(null, "/");
    invalid.methodsInvalid = true;
    expect(ranks(single(invalid), "GET", "/x")).toBe("");
  });
});

function hostIndex(): RouteIndex {
  const index = new RouteIndex();
  const hosted = sel(null, "/");
  hosted.hosts = ["api.example.com", "other.example.com"];
  index.add(hosted, 1);
  index.add(sel(null, "/"), 2);
  return index;
}
const hostsIndex = hostIndex();
describe("hosts", () => {
  it("a policy with hosts matches only those hosts; without hosts any host", () => {
    expect(ranks(hostsIndex, "GET", "/x", "api.example.com")).toBe("1,2");
    expect(ranks(hostsIndex, "GET", "/x", "other.example.com")).toBe("1,2");
    expect(ranks(hostsIndex, "GET", "/x", "www.example.com")).toBe("2");
  });
  it("normalises the request host: trim, lowercase, port, one trailing dot", () => {
    expect(ranks(hostsIndex, "GET", "/x", "  API.Example.COM:8443. ")).toBe("2");
    expect(ranks(hostsIndex, "GET", "/x", "  API.Example.COM.:8443 ")).toBe("1,2");
    expect(ranks(hostsIndex, "GET", "/x", "api.example.com.")).toBe("1,2");
    expect(ranks(hostsIndex, "GET", "/x", "api.example.com..")).toBe("2");
  });
  it("no host: only policies without hosts", () => {
    expect(ranks(hostsIndex, "GET", "/x", "")).toBe("2");
  });
});

const store = new MapStore();
const out = new Decision();
describe("engine ordering", () => {
  it("evaluates matches in ascending id order, each policy once", () => {
    // "b" and "a" both reject on their second request; the reject names the first id in string order.
    const engine = new Engine(bundleOf([
      prefixPolicy("b", "/", [tbRule("rb", 1, 1)]),
      prefixPolicy("a", "/", [tbRule("ra", 1, 1)]),
      exactPolicy("a", "/x", [tbRule("ra", 1, 1)]),
    ]), new EngineOptions());
    engine.evaluate(new FakeRequest("GET", "/x"), ns(100), store, out);
    expect(out.matchedPolicies).toBe(2);
    expect(headerOf(out.headers, "RateLimit")).toBe("\"b\";r=0;t=1");
    engine.evaluate(new FakeRequest("GET", "/x"), ns(100), store, out);
    expect(out.policyId).toBe("a");
    expect(out.ruleName).toBe("ra");
  });
  it("sorts ids as strings, not numbers", () => {
    const engine = new Engine(bundleOf([
      selectorPolicy("10", sel(null, "/")),
      selectorPolicy("9", sel(null, "/")),
    ]), new EngineOptions());
    engine.evaluate(new FakeRequest("GET", "/s"), ns(100), new MapStore(), out);
    // The allow carries the headers of the last evaluated policy: "9" sorts after "10".
    expect(headerOf(out.headers, "RateLimit")).toBe("\"9\";r=99;t=1");
  });
  it("duplicate ids: the last definition wins, reached through either selector", () => {
    const engine = new Engine(bundleOf([
      prefixPolicy("dup", "/first/", [tbRule("old", 1, 50)]),
      prefixPolicy("dup", "/second/", [tbRule("new", 1, 5)]),
    ]), new EngineOptions());
    const s = new MapStore();
    engine.evaluate(new FakeRequest("GET", "/first/x"), ns(100), s, out);
    expect(out.matchedPolicies).toBe(1);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("5");
    engine.evaluate(new FakeRequest("GET", "/second/x"), ns(100), s, out);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("3");
    expect(s.has("tb:new:")).toBe(true);
    expect(s.has("tb:old:")).toBe(false);
  });
  it("no match: allow no_matching_policy without headers", () => {
    const engine = new Engine(bundleOf([prefixPolicy("p", "/api/", [tbRule("r", 1, 1)])]), new EngineOptions());
    engine.evaluate(new FakeRequest("GET", "/other/x"), ns(100), store, out);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("no_matching_policy");
    expect(out.matchedPolicies).toBe(0);
    expect(out.headers.length).toBe(0);
  });
});
