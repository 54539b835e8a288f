// Proves the X-Fairvisor-Decision-Info encoder (filter/decision-info.ts): field order and values for each
// kind of decision, printable-ASCII-only escaping (quotes, backslashes, controls, DEL, non-ASCII, surrogate
// pairs), reserved tokens summed over reservations, the local-reply form; and the decision_info option.
import { Action, Decision, Reservation } from "../engine/decision";
import { decisionInfo, localReplyInfo } from "../filter/decision-info";
import { parseDeployment } from "../filter/deployment";

function reservation(reserved: f64): Reservation {
  const r = new Reservation();
  r.reserved = reserved;
  return r;
}

describe("decisionInfo", () => {
  it("writes a plain allow with its descriptors in the engine's order", () => {
    const d = new Decision();
    d.reason = "all_rules_passed";
    d.policyId = "tb";
    d.matchedPolicies = 2;
    d.descriptors.push("header:x-api-key");
    d.descriptors.push("k1");
    d.descriptors.push("ip:address");
    d.descriptors.push("10.0.0.1");
    expect(decisionInfo(d)).toBe(
      '{"action":"allow","reason":"all_rules_passed","mode":"enforce","policy":"tb","rule":"","matched":2,' +
        '"would_reject":"","would_reject_policy":"","descriptors":[["header:x-api-key","k1"],["ip:address","10.0.0.1"]],"reserved":0}',
    );
  });

  it("writes a reject with its rule", () => {
    const d = new Decision();
    d.action = Action.REJECT;
    d.status = 429;
    d.reason = "token_bucket_exceeded";
    d.policyId = "tb";
    d.ruleName = "per-key";
    d.matchedPolicies = 1;
    expect(decisionInfo(d)).toBe(
      '{"action":"reject","reason":"token_bucket_exceeded","mode":"enforce","policy":"tb","rule":"per-key","matched":1,' +
        '"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    );
  });

  it("names the shadow would-reject's reason and policy when it is the outcome", () => {
    const d = new Decision();
    d.mode = "shadow";
    d.policyId = "sh";
    d.ruleName = "r";
    d.wouldReject = true;
    d.wouldRejectReason = "token_bucket_exceeded";
    d.matchedPolicies = 1;
    expect(decisionInfo(d)).toBe(
      '{"action":"allow","reason":"","mode":"shadow","policy":"sh","rule":"r","matched":1,' +
        '"would_reject":"token_bucket_exceeded","would_reject_policy":"sh","descriptors":[],"reserved":0}',
    );
  });

  it("keeps the would-reject reason but no policy when an enforcing throttle won", () => {
    const d = new Decision();
    d.action = Action.THROTTLE;
    d.reason = "budget_throttle";
    d.policyId = "cost";
    d.ruleName = "stages";
    d.wouldReject = true;
    d.wouldRejectReason = "token_bucket_exceeded";
    d.matchedPolicies = 2;
    expect(decisionInfo(d)).toBe(
      '{"action":"throttle","reason":"budget_throttle","mode":"enforce","policy":"cost","rule":"stages","matched":2,' +
        '"would_reject":"token_bucket_exceeded","would_reject_policy":"","descriptors":[],"reserved":0}',
    );
  });

  it("sums reserved tokens over the reservations", () => {
    const d = new Decision();
    d.reason = "all_rules_passed";
    d.reservations.push(reservation(1200));
    d.reservations.push(reservation(34.5));
    expect(decisionInfo(d)).toBe(
      '{"action":"allow","reason":"all_rules_passed","mode":"enforce","policy":"","rule":"","matched":0,' +
        '"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":1234.5}',
    );
  });

  it("escapes quotes, backslashes, controls, DEL and every non-ASCII unit as \\uXXXX", () => {
    const d = new Decision();
    d.descriptors.push('he said "hi" \\ ok');
    // tab, newline, NUL, DEL, é, the euro sign and an astral character (a surrogate pair)
    d.descriptors.push("a\tb\nc" + String.fromCharCode(0) + String.fromCharCode(0x7f) + "é€😀");
    const text = decisionInfo(d);
    expect(text).toBe(
      '{"action":"allow","reason":"","mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"",' +
        '"descriptors":[["he said \\"hi\\" \\\\ ok","a\\u0009b\\u000ac\\u0000\\u007f\\u00e9\\u20ac\\ud83d\\ude00"]],"reserved":0}',
    );
    // The whole value is printable ASCII, so any host can carry it as a header.
    let printable = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) printable = false;
    }
    expect(printable).toBe(true);
  });

  it("leaves nothing of a longer earlier value behind (the builder is reused)", () => {
    const long = new Decision();
    long.policyId = "a-rather-long-policy-identifier-that-grows-the-builder-past-its-first-size-of-256-units-" +
      "a-rather-long-policy-identifier-that-grows-the-builder-past-its-first-size-of-256-units-" +
      "a-rather-long-policy-identifier-that-grows-the-builder-past-its-first-size-of-256-units";
    decisionInfo(long);
    expect(decisionInfo(new Decision())).toBe(
      '{"action":"allow","reason":"","mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    );
  });
});

describe("localReplyInfo", () => {
  it("describes a reply the engine never made as an enforce reject with nothing matched", () => {
    expect(localReplyInfo("no_bundle_loaded")).toBe(
      '{"action":"reject","reason":"no_bundle_loaded","mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    );
  });
});

describe("decision_info deployment option", () => {
  it("defaults to false", () => {
    expect(parseDeployment("").decisionInfo).toBe(false);
    expect(parseDeployment("{}").decisionInfo).toBe(false);
  });

  it("takes a boolean", () => {
    const d = parseDeployment('{"decision_info": true}');
    expect(d.decisionInfo).toBe(true);
    expect(d.warnings.length).toBe(0);
  });

  it("warns about and ignores anything else", () => {
    const d = parseDeployment('{"decision_info": "yes"}');
    expect(d.decisionInfo).toBe(false);
    expect(d.warnings.length).toBe(1);
    expect(d.warnings[0]).toBe("decision_info must be a boolean");
  });
});
