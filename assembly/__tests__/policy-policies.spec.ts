// Proves the per-policy checks of spec 2.2 in their order with exact messages, that a bad policy is
// dropped while the others load, limit keys (5.1), `match` (5.2), `fallback_limit` (5.4) and the
// loop_detection / circuit_breaker checks of decision 6.
import { KeySource, LoopAction } from "../policy";
import {
  bundleOf, bundleText, load, policyErrorOf, policyOf, policyWithSpec, ruleErrorOf, ruleOf, TB_RULE,
} from "./policy-helpers";

const TB_CONFIG = "\"algorithm\": \"token_bucket\", \"algorithm_config\": {\"tokens_per_second\": 1, \"burst\": 2}";

function keysError(keys: string): string {
  return ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": " + keys + ", " + TB_CONFIG + "}");
}

function hostsError(hosts: string): string {
  return policyErrorOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"pathPrefix\": \"/\", \"hosts\": " + hosts + "}, \"rules\": []}}");
}

describe("2.2 policy entry", () => {
  it("must be a table", () => {
    expect(policyErrorOf("\"p\"")).toBe("policy[1]: must be a table");
    expect(policyErrorOf("null")).toBe("policy[1]: must be a table");
  });
  it("missing id", () => {
    expect(policyErrorOf("{\"spec\": {}}")).toBe("policy[1]: missing id");
    expect(policyErrorOf("{\"id\": \"\"}")).toBe("policy[1]: missing id");
    expect(policyErrorOf("{\"id\": 7}")).toBe("policy[1]: missing id");
    expect(policyErrorOf("[]")).toBe("policy[1]: missing id");
  });
  it("missing spec", () => {
    expect(policyErrorOf("{\"id\": \"p1\"}")).toBe("policy=p1: missing spec");
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": \"x\"}")).toBe("policy=p1: missing spec");
  });
  it("missing selector", () => {
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": {}}")).toBe("policy=p1: missing selector");
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": []}")).toBe("policy=p1: missing selector");
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": {\"selector\": 1}}")).toBe("policy=p1: missing selector");
  });
  it("invalid mode", () => {
    expect(policyErrorOf(policyWithSpec(", \"mode\": \"audit\""))).toBe("policy=p1: invalid mode");
    expect(policyErrorOf(policyWithSpec(", \"mode\": null"))).toBe("policy=p1: invalid mode");
  });
  it("mode enforce, shadow or absent", () => {
    expect(policyOf(policyWithSpec(", \"mode\": \"shadow\"")).shadow).toBe(true);
    expect(policyOf(policyWithSpec(", \"mode\": \"enforce\"")).shadow).toBe(false);
    expect(policyOf(policyWithSpec("")).shadow).toBe(false);
    expect(policyOf(policyWithSpec("")).id).toBe("p1");
  });
  it("rules must be a table", () => {
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": {\"selector\": {}}}")).toBe("policy=p1: rules must be a table");
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": {\"selector\": {}, \"rules\": \"r\"}}")).toBe("policy=p1: rules must be a table");
  });
  it("rules as an object gives no rules", () => {
    const p = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {}, \"rules\": {\"a\": 1}}}");
    expect(p.id).toBe("p1");
    expect(p.rules.length).toBe(0);
  });
  it("rule must be a table", () => {
    expect(ruleErrorOf("5")).toBe("policy[1] rule[1]: must be a table");
    expect(ruleErrorOf(TB_RULE + ", null")).toBe("policy[1] rule[2]: must be a table");
  });
  it("rule missing name", () => {
    expect(ruleErrorOf("{\"limit_keys\": []}")).toBe("policy[1] rule[1]: missing name");
    expect(ruleErrorOf("{\"name\": \"\"}")).toBe("policy[1] rule[1]: missing name");
  });
  it("checks stop at the first failure: the selector before the rules", () => {
    expect(policyErrorOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"hosts\": []}, \"mode\": \"x\"}}")).toBe("policy=p1: selector.hosts must be a non-empty array of hostnames");
  });
});

describe("2.2 dropped policies", () => {
  it("the others still load, positions are 1-based bundle positions", () => {
    const good1 = "{\"id\": \"a\", \"spec\": {\"selector\": {\"pathPrefix\": \"/a\"}, \"rules\": [" + TB_RULE + "]}}";
    const good2 = "{\"id\": \"c\", \"spec\": {\"selector\": {\"pathExact\": \"/c\"}, \"rules\": []}}";
    const r = load(bundleText(good1 + ", {\"id\": \"b\"}, " + good2 + ", 3"));
    expect(r.fatalError).toBe("");
    expect(r.policyErrors.length).toBe(2);
    expect(r.policyErrors[0]).toBe("policy=b: missing spec");
    expect(r.policyErrors[1]).toBe("policy[4]: must be a table");
    const b = r.bundle;
    expect(b !== null).toBe(true);
    if (b !== null) {
      expect(b.policies.length).toBe(2);
      expect(b.policies[0].id).toBe("a");
      expect(b.policies[0].position).toBe(1);
      expect(b.policies[1].id).toBe("c");
      expect(b.policies[1].position).toBe(3);
      expect(b.rawPolicyCount).toBe(4);
      expect(b.rawRuleCount).toBe(1);
    }
  });
  it("one bad rule drops the whole policy", () => {
    const r = load(bundleText(policyWithSpec("", TB_RULE + ", {\"name\": \"r2\"}")));
    expect(r.policyErrors[0]).toBe("policy=p1 rule=r2 invalid_limit_keys: limit_keys must be a table");
    const b = r.bundle;
    expect(b !== null && b.policies.length == 0 && b.rawRuleCount == 2).toBe(true);
  });
  it("duplicate ids are all kept, in order", () => {
    const b = bundleOf(bundleText(policyWithSpec("") + ", " + policyWithSpec(", \"mode\": \"shadow\"")));
    expect(b.policies.length).toBe(2);
    expect(b.policies[0].shadow).toBe(false);
    expect(b.policies[1].shadow).toBe(true);
    expect(b.policies[1].id).toBe("p1");
  });
  it("raw rule counts include invalid policies with a rules array", () => {
    const b = bundleOf(bundleText("{\"id\": \"x\", \"spec\": {\"rules\": [1, 2, 3]}}, {\"spec\": {\"rules\": {\"a\": 1}}}, " + policyWithSpec("", TB_RULE)));
    expect(b.rawPolicyCount).toBe(3);
    expect(b.rawRuleCount).toBe(4);
    expect(b.policies.length).toBe(1);
  });
});

describe("2.2 selector.hosts", () => {
  it("must be a non-empty array", () => {
    expect(hostsError("[]")).toBe("policy=p1: selector.hosts must be a non-empty array of hostnames");
    expect(hostsError("{}")).toBe("policy=p1: selector.hosts must be a non-empty array of hostnames");
    expect(hostsError("{\"a\": \"x.io\"}")).toBe("policy=p1: selector.hosts must be a non-empty array of hostnames");
    expect(hostsError("\"api.example.com\"")).toBe("policy=p1: selector.hosts must be a non-empty array of hostnames");
    expect(hostsError("null")).toBe("policy=p1: selector.hosts must be a non-empty array of hostnames");
  });
  it("api..example.com (decision 6)", () => {
    expect(hostsError("[\"api..example.com\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
  });
  it("scheme, path, query, fragment, userinfo", () => {
    expect(hostsError("[\"ok.io\", \"https://api.example.com\"]")).toBe("policy=p1: selector.hosts[2] invalid hostname format");
    expect(hostsError("[\"api.example.com/v1\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"api.example.com?a\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"api.example.com#a\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"me@api.example.com\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
  });
  it("bad characters, leading or trailing - and .", () => {
    expect(hostsError("[\"api_x.io\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"-api.io\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"api.io-\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"api.io..\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"*.api.io\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
  });
  it("empty, blank and non-string entries", () => {
    expect(hostsError("[\"\"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"  \"]")).toBe("policy=p1: selector.hosts[1] invalid hostname format");
    expect(hostsError("[\"a.io\", \"b.io\", 42]")).toBe("policy=p1: selector.hosts[3] invalid hostname format");
  });
  it("normalised hosts replace the list", () => {
    const p = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"pathPrefix\": \"/\", \"hosts\": [\" API.Example.com:8080 \", \"b.io.\"]}, \"rules\": []}}");
    expect(p.selector.hosts.length).toBe(2);
    expect(p.selector.hosts[0]).toBe("api.example.com");
    expect(p.selector.hosts[1]).toBe("b.io");
  });
});

describe("spec 6 selector paths and methods", () => {
  it("pathPrefix gets a trailing slash, pathExact is kept", () => {
    const p = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"pathPrefix\": \"/api\", \"pathExact\": \"/v1/data\"}, \"rules\": []}}");
    const prefix = p.selector.pathPrefix;
    const exact = p.selector.pathExact;
    expect(prefix !== null && prefix == "/api/").toBe(true);
    expect(exact !== null && exact == "/v1/data").toBe(true);
    const root = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"pathPrefix\": \"/\"}, \"rules\": []}}").selector.pathPrefix;
    expect(root !== null && root == "/").toBe(true);
  });
  it("paths not starting with / are ignored, the policy still loads", () => {
    const p = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"pathPrefix\": \"api\", \"pathExact\": 5}, \"rules\": []}}");
    expect(p.id).toBe("p1");
    expect(p.selector.pathPrefix === null).toBe(true);
    expect(p.selector.pathExact === null).toBe(true);
  });
  it("methods: absent = any, list keeps non-empty strings, non-table = nothing", () => {
    expect(policyOf(policyWithSpec("")).selector.methods === null).toBe(true);
    const listed = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"methods\": [\"GET\", \"\", 5, \"post\"]}, \"rules\": []}}").selector;
    const methods = listed.methods;
    expect(methods !== null && methods.length == 2 && methods[0] == "GET" && methods[1] == "post").toBe(true);
    expect(listed.methodsInvalid).toBe(false);
    const bad = policyOf("{\"id\": \"p1\", \"spec\": {\"selector\": {\"methods\": \"GET\"}, \"rules\": []}}").selector;
    const none = bad.methods;
    expect(bad.methodsInvalid).toBe(true);
    expect(none !== null && none.length == 0).toBe(true);
  });
});

describe("5.1 limit_keys", () => {
  it("must be a table", () => {
    expect(keysError("\"jwt:org\"")).toBe("policy=p1 rule=r1 invalid_limit_keys: limit_keys must be a table");
    expect(keysError("null")).toBe("policy=p1 rule=r1 invalid_limit_keys: limit_keys must be a table");
    expect(ruleErrorOf("{\"name\": \"r1\", " + TB_CONFIG + "}")).toBe("policy=p1 rule=r1 invalid_limit_keys: limit_keys must be a table");
  });
  it("cookie:x", () => {
    expect(keysError("[\"cookie:x\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: cookie:x");
  });
  it("ip:city", () => {
    expect(keysError("[\"ip:city\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: ip:city");
  });
  it("ip:addr", () => {
    expect(keysError("[\"ip:addr\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: ip:addr");
  });
  it("ua:browser", () => {
    expect(keysError("[\"ua:browser\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: ua:browser");
  });
  it("header:x api", () => {
    expect(keysError("[\"header:x api\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: header:x api");
  });
  it("jwt:", () => {
    expect(keysError("[\"jwt:\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: jwt:");
  });
  it("the first bad key is reported", () => {
    expect(keysError("[\"jwt:org\", \"ip:addr\", \"cookie:x\"]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: ip:addr");
  });
  it("non-string keys print like Lua tostring", () => {
    expect(keysError("[42]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: 42");
    expect(keysError("[true]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: true");
    expect(keysError("[1.5]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: 1.5");
    expect(keysError("[null]")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: null");
  });
  it("an object gives zero keys (Lua #)", () => {
    expect(keysError("{\"a\": \"cookie:x\"}")).toBe("");
  });
  it("compiles in order, header names lower-cased", () => {
    const rule = ruleOf("{\"name\": \"r1\", \"limit_keys\": [\"jwt:Org\", \"header:X-Api-Key\", \"query:Page\", \"ip:country\", \"ua:bot_category\"], " + TB_CONFIG + "}");
    expect(rule.limitKeys.length).toBe(5);
    expect(rule.limitKeys[0].source).toBe(KeySource.JWT);
    expect(rule.limitKeys[0].name).toBe("Org");
    expect(rule.limitKeys[1].source).toBe(KeySource.HEADER);
    expect(rule.limitKeys[1].name).toBe("x-api-key");
    expect(rule.limitKeys[1].text).toBe("header:X-Api-Key");
    expect(rule.limitKeys[2].name).toBe("Page");
    expect(rule.limitKeys[3].source).toBe(KeySource.IP_COUNTRY);
    expect(rule.limitKeys[4].source).toBe(KeySource.UA_BOT_CATEGORY);
    expect(rule.name).toBe("r1");
  });
});

describe("2.2 algorithm definition", () => {
  it("algorithm must be a string and algorithm_config a table", () => {
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm_config\": {}}")).toBe("policy=p1 rule=r1 invalid_algorithm_definition");
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"token_bucket\"}")).toBe("policy=p1 rule=r1 invalid_algorithm_definition");
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": 1, \"algorithm_config\": {}}")).toBe("policy=p1 rule=r1 invalid_algorithm_definition");
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"token_bucket\", \"algorithm_config\": \"x\"}")).toBe("policy=p1 rule=r1 invalid_algorithm_definition");
  });
  it("unsupported algorithm", () => {
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"leaky_bucket\", \"algorithm_config\": {}}")).toBe("policy=p1 rule=r1 invalid_algorithm_config: unsupported algorithm");
  });
  it("limit_keys are checked before the algorithm", () => {
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [\"x\"], \"algorithm\": 1}")).toBe("policy=p1 rule=r1 invalid_limit_keys: invalid limit_key format: x");
  });
});

describe("5.4 fallback_limit", () => {
  it("must be a table", () => {
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": 5"))).toBe("policy=p1: fallback_limit must be a table");
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": null"))).toBe("policy=p1: fallback_limit must be a table");
  });
  it("unnamed: reported as rule=fallback_limit", () => {
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": {\"limit_keys\": [], \"algorithm\": \"token_bucket\", \"algorithm_config\": {\"tokens_per_second\": 1}}"))).toBe("policy=p1 rule=fallback_limit invalid_algorithm_config: burst is required");
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": {}"))).toBe("policy=p1 rule=fallback_limit invalid_limit_keys: limit_keys must be a table");
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": {\"name\": \"\", \"limit_keys\": [\"ip:addr\"]}"))).toBe("policy=p1 rule=fallback_limit invalid_limit_keys: invalid limit_key format: ip:addr");
  });
  it("named: reported and compiled under its name", () => {
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": {\"name\": \"fb\", \"limit_keys\": [], \"algorithm\": \"x\", \"algorithm_config\": {}}"))).toBe("policy=p1 rule=fb invalid_algorithm_config: unsupported algorithm");
    const p = policyOf(policyWithSpec(", \"fallback_limit\": {\"name\": \"fb\", \"limit_keys\": [\"ip:address\"], " + TB_CONFIG + "}"));
    const fb = p.fallback;
    expect(fb !== null && fb.name == "fb" && fb.limitKeys.length == 1).toBe(true);
  });
  it("unnamed compiles as rule \"rule\"", () => {
    const p = policyOf(policyWithSpec(", \"fallback_limit\": {\"limit_keys\": [], " + TB_CONFIG + "}"));
    const fb = p.fallback;
    expect(fb !== null).toBe(true);
    if (fb !== null) {
      expect(fb.name).toBe("rule");
      const tb = fb.tokenBucket;
      expect(tb !== null && tb.burst == 2).toBe(true);
    }
    expect(policyOf(policyWithSpec("")).fallback === null).toBe(true);
  });
  it("rules are checked before the fallback", () => {
    expect(policyErrorOf(policyWithSpec(", \"fallback_limit\": 5", "7"))).toBe("policy[1] rule[1]: must be a table");
  });
});

function matchError(match: string): string {
  return ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], " + TB_CONFIG + ", \"match\": " + match + "}");
}

describe("5.2 match", () => {
  it("must be a table", () => {
    expect(matchError("\"jwt:plan\"")).toBe("policy=p1 rule=r1 match must be a table");
    expect(matchError("null")).toBe("policy=p1 rule=r1 match must be a table");
  });
  it("keys must be descriptor keys", () => {
    expect(matchError("{\"plan\": \"pro\"}")).toBe("policy=p1 rule=r1 invalid match key: plan");
    expect(matchError("{\"jwt:plan\": \"pro\", \"ip:city\": \"x\"}")).toBe("policy=p1 rule=r1 invalid match key: ip:city");
    expect(matchError("[\"jwt:plan\"]")).toBe("policy=p1 rule=r1 invalid match key: 1");
  });
  it("is checked after the algorithm", () => {
    expect(ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"x\", \"algorithm_config\": {}, \"match\": 1}")).toBe("policy=p1 rule=r1 invalid_algorithm_config: unsupported algorithm");
  });
  it("values become strings", () => {
    const rule = ruleOf("{\"name\": \"r1\", \"limit_keys\": [], " + TB_CONFIG + ", \"match\": {\"jwt:plan\": \"pro\", \"jwt:tier\": 42, \"header:X-Beta\": true, \"jwt:ratio\": 0.5, \"jwt:obj\": {}, \"jwt:nil\": null}}");
    expect(rule.hasMatch).toBe(true);
    expect(rule.match.length).toBe(6);
    expect(rule.match[0].key.text).toBe("jwt:plan");
    expect(rule.match[0].value).toBe("pro");
    expect(rule.match[1].value).toBe("42");
    expect(rule.match[2].key.name).toBe("x-beta");
    expect(rule.match[2].value).toBe("true");
    expect(rule.match[3].value).toBe("0.5");
    expect(rule.match[3].comparable).toBe(true);
    expect(rule.match[4].comparable).toBe(false);
    expect(rule.match[5].comparable).toBe(false);
  });
  it("a repeated key keeps its last value (Lua table)", () => {
    const rule = ruleOf("{\"name\": \"r1\", \"limit_keys\": [], " + TB_CONFIG + ", \"match\": {\"jwt:plan\": \"a\", \"jwt:org\": \"o\", \"jwt:plan\": \"b\"}}");
    expect(rule.match.length).toBe(2);
    expect(rule.match[0].key.text).toBe("jwt:org");
    expect(rule.match[1].value).toBe("b");
  });
  it("absent and empty", () => {
    expect(ruleOf(TB_RULE).hasMatch).toBe(false);
    const empty = ruleOf("{\"name\": \"r1\", \"limit_keys\": [], " + TB_CONFIG + ", \"match\": {}}");
    expect(empty.hasMatch).toBe(true);
    expect(empty.match.length).toBe(0);
  });
});

function loopError(block: string): string {
  return policyErrorOf(policyWithSpec(", \"loop_detection\": " + block));
}

describe("8.5 loop_detection (decision 6)", () => {
  it("must be a table", () => {
    expect(loopError("true")).toBe("policy=p1: loop_detection must be a table");
  });
  it("enabled must be a boolean", () => {
    expect(loopError("{\"enabled\": \"yes\"}")).toBe("policy=p1: loop_detection.enabled must be a boolean");
    expect(loopError("{\"enabled\": null}")).toBe("policy=p1: loop_detection.enabled must be a boolean");
  });
  it("disabled or absent enabled is not checked further", () => {
    expect(loopError("{\"enabled\": false, \"window_seconds\": -1}")).toBe("");
    expect(loopError("{\"window_seconds\": \"x\"}")).toBe("");
    const lp = policyOf(policyWithSpec(", \"loop_detection\": {\"enabled\": false}")).loopDetection;
    expect(lp !== null && !lp.enabled).toBe(true);
  });
  it("window_seconds must be a positive integer", () => {
    expect(loopError("{\"enabled\": true, \"threshold_identical_requests\": 3}")).toBe("policy=p1: loop_detection.window_seconds must be a positive integer");
    expect(loopError("{\"enabled\": true, \"window_seconds\": 0, \"threshold_identical_requests\": 3}")).toBe("policy=p1: loop_detection.window_seconds must be a positive integer");
    expect(loopError("{\"enabled\": true, \"window_seconds\": 1.5, \"threshold_identical_requests\": 3}")).toBe("policy=p1: loop_detection.window_seconds must be a positive integer");
    expect(loopError("{\"enabled\": true, \"window_seconds\": \"60\", \"threshold_identical_requests\": 3}")).toBe("policy=p1: loop_detection.window_seconds must be a positive integer");
  });
  it("threshold_identical_requests must be an integer >= 2", () => {
    expect(loopError("{\"enabled\": true, \"window_seconds\": 60}")).toBe("policy=p1: loop_detection.threshold_identical_requests must be an integer >= 2");
    expect(loopError("{\"enabled\": true, \"window_seconds\": 60, \"threshold_identical_requests\": 1}")).toBe("policy=p1: loop_detection.threshold_identical_requests must be an integer >= 2");
    expect(loopError("{\"enabled\": true, \"window_seconds\": 60, \"threshold_identical_requests\": 2.5}")).toBe("policy=p1: loop_detection.threshold_identical_requests must be an integer >= 2");
  });
  it("action must be reject, throttle or warn", () => {
    expect(loopError("{\"enabled\": true, \"window_seconds\": 60, \"threshold_identical_requests\": 2, \"action\": \"block\"}")).toBe("policy=p1: loop_detection.action must be reject, throttle or warn");
  });
  it("similarity must be exact", () => {
    expect(loopError("{\"enabled\": true, \"window_seconds\": 60, \"threshold_identical_requests\": 2, \"similarity\": \"fuzzy\"}")).toBe("policy=p1: loop_detection.similarity must be exact");
  });
  it("compiles with defaults", () => {
    const lp = policyOf(policyWithSpec(", \"loop_detection\": {\"enabled\": true, \"window_seconds\": 60, \"threshold_identical_requests\": 5}")).loopDetection;
    expect(lp !== null).toBe(true);
    if (lp !== null) {
      expect(lp.enabled).toBe(true);
      expect(lp.windowSeconds).toBe(60);
      expect(lp.thresholdIdenticalRequests).toBe(5);
      expect(lp.action).toBe(LoopAction.REJECT);
    }
    const warn = policyOf(policyWithSpec(", \"loop_detection\": {\"enabled\": true, \"window_seconds\": 1, \"threshold_identical_requests\": 2, \"action\": \"warn\"}")).loopDetection;
    expect(warn !== null && warn.action == LoopAction.WARN).toBe(true);
    expect(policyOf(policyWithSpec("")).loopDetection === null).toBe(true);
  });
});

function breakerError(block: string): string {
  return policyErrorOf(policyWithSpec(", \"circuit_breaker\": " + block));
}

describe("8.6 circuit_breaker (decision 6)", () => {
  it("must be a table", () => {
    expect(breakerError("1")).toBe("policy=p1: circuit_breaker must be a table");
  });
  it("enabled must be a boolean", () => {
    expect(breakerError("{\"enabled\": 1}")).toBe("policy=p1: circuit_breaker.enabled must be a boolean");
  });
  it("disabled is not checked further", () => {
    expect(breakerError("{\"enabled\": false, \"action\": \"warn\"}")).toBe("");
    expect(breakerError("{\"spend_rate_threshold_per_minute\": -5}")).toBe("");
  });
  it("spend_rate_threshold_per_minute must be a positive number", () => {
    expect(breakerError("{\"enabled\": true}")).toBe("policy=p1: circuit_breaker.spend_rate_threshold_per_minute must be a positive number");
    expect(breakerError("{\"enabled\": true, \"spend_rate_threshold_per_minute\": 0}")).toBe("policy=p1: circuit_breaker.spend_rate_threshold_per_minute must be a positive number");
  });
  it("action must be reject", () => {
    expect(breakerError("{\"enabled\": true, \"spend_rate_threshold_per_minute\": 10, \"action\": \"warn\"}")).toBe("policy=p1: circuit_breaker.action must be reject");
  });
  it("auto_reset_after_minutes must be a non-negative number", () => {
    expect(breakerError("{\"enabled\": true, \"spend_rate_threshold_per_minute\": 10, \"auto_reset_after_minutes\": -1}")).toBe("policy=p1: circuit_breaker.auto_reset_after_minutes must be a non-negative number");
    expect(breakerError("{\"enabled\": true, \"spend_rate_threshold_per_minute\": 10, \"auto_reset_after_minutes\": \"5\"}")).toBe("policy=p1: circuit_breaker.auto_reset_after_minutes must be a non-negative number");
  });
  it("alert must be a boolean", () => {
    expect(breakerError("{\"enabled\": true, \"spend_rate_threshold_per_minute\": 10, \"alert\": \"yes\"}")).toBe("policy=p1: circuit_breaker.alert must be a boolean");
  });
  it("compiles with defaults (auto reset 0, alert false)", () => {
    const cb = policyOf(policyWithSpec(", \"circuit_breaker\": {\"enabled\": true, \"spend_rate_threshold_per_minute\": 10}")).circuitBreaker;
    expect(cb !== null).toBe(true);
    if (cb !== null) {
      expect(cb.enabled).toBe(true);
      expect(cb.spendRateThresholdPerMinute).toBe(10.0);
      expect(cb.autoResetAfterMinutes).toBe(0.0);
      expect(cb.alert).toBe(false);
    }
  });
  it("loop_detection is checked before circuit_breaker", () => {
    expect(policyErrorOf(policyWithSpec(", \"circuit_breaker\": 1, \"loop_detection\": 1"))).toBe("policy=p1: loop_detection must be a table");
  });
});

describe("2.6 needsUserAgent", () => {
  it("false without ua: keys", () => {
    expect(bundleOf(bundleText(policyWithSpec("", TB_RULE))).needsUserAgent).toBe(false);
  });
  it("a ua: limit key", () => {
    expect(bundleOf(bundleText(policyWithSpec("", "{\"name\": \"r\", \"limit_keys\": [\"ua:bot\"], " + TB_CONFIG + "}"))).needsUserAgent).toBe(true);
  });
  it("a ua: match key", () => {
    expect(bundleOf(bundleText(policyWithSpec("", "{\"name\": \"r\", \"limit_keys\": [], " + TB_CONFIG + ", \"match\": {\"ua:bot_category\": \"ai_crawler\"}}"))).needsUserAgent).toBe(true);
  });
  it("a ua: fallback key", () => {
    expect(bundleOf(bundleText(policyWithSpec(", \"fallback_limit\": {\"limit_keys\": [\"ua:bot\"], " + TB_CONFIG + "}"))).needsUserAgent).toBe(true);
  });
});
