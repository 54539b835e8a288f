// Proves the Retry-After jitter of spec 9.4 bit for bit: every example of its table (acceptance checks),
// the seed layout, the budget_exceeded variant and the bounds.
import { jitteredRetryAfter, jitterIdentityHash, jitterRatio, jitterSeed } from "../engine/jitter";

function killSwitchRetry(sub: string, path: string): f64 {
  const identity = jitterIdentityHash(sub, "127.0.0.1", path);
  return jitteredRetryAfter(3600, jitterSeed("", "", "kill_switch", identity), false);
}

function loopRetry(path: string): f64 {
  const identity = jitterIdentityHash("", "127.0.0.1", path);
  return jitteredRetryAfter(10, jitterSeed("loopr", "", "loop_detected", identity), false);
}

describe("spec 9.4 examples (client 127.0.0.1)", () => {
  it("kill switch, sub jitter-user-a, /api/v1/chat → 4800", () => {
    expect(killSwitchRetry("jitter-user-a", "/api/v1/chat")).toBe(4800);
  });
  it("kill switch, sub jitter-user-b → 4998", () => {
    expect(killSwitchRetry("jitter-user-b", "/api/v1/chat")).toBe(4998);
  });
  it("kill switch, sub jitter-user-c → 4953", () => {
    expect(killSwitchRetry("jitter-user-c", "/api/v1/chat")).toBe(4953);
  });
  it("kill switch, sub jitter-user-d → 5246", () => {
    expect(killSwitchRetry("jitter-user-d", "/api/v1/chat")).toBe(5246);
  });
  it("kill switch, no sub, /ks/exact → 4917", () => {
    expect(killSwitchRetry("", "/ks/exact")).toBe(4917);
  });
  it("loop reject, policy loopr, base 10, /loopr/a → 14", () => {
    expect(loopRetry("/loopr/a")).toBe(14);
  });
  it("loop reject, policy loopr, base 10, /loopr/b → 11", () => {
    expect(loopRetry("/loopr/b")).toBe(11);
  });
});

describe("jitter pieces", () => {
  it("builds the seed with an always-empty fifth field", () => {
    expect(jitterSeed("p", "r", "token_bucket_exceeded", "0a1b2c3d"))
      .toBe("retry_jitter:v1|p|r|token_bucket_exceeded||0a1b2c3d");
  });
  it("hashes the salted identity to 8 hex digits", () => {
    // SHA-1("fairvisor-retry-jitter|||") starts with these bytes.
    expect(jitterIdentityHash("", "", "").length).toBe(8);
    expect(jitterIdentityHash("u", "1.2.3.4", "/x")).toBe(jitterIdentityHash("u", "1.2.3.4", "/x"));
    expect(jitterIdentityHash("u", "1.2.3.4", "/x") != jitterIdentityHash("v", "1.2.3.4", "/x")).toBe(true);
  });
  it("folds seed bytes with h = (h*131 + b) mod 1000003", () => {
    // "ab": (0*131 + 97) = 97; 97*131 + 98 = 12805.
    expect(jitterRatio("ab")).toBe(12805.0 / 1000003.0);
    expect(jitterRatio("")).toBe(0);
  });
  it("keeps normal rejects in [base, ceil(1.5*base)]", () => {
    for (let i = 0; i < 50; i++) {
      const v = jitteredRetryAfter(100, "seed-" + i.toString(), false);
      expect(v >= 100 && v <= 150).toBe(true);
    }
  });
  it("caps budget_exceeded at the base: ceil(base - jitter) in [ceil(base/2), base]", () => {
    // ratio for "ab" is 12805/1000003 → jitter = 0.0128 * 373 * 0.5 ≈ 2.39 → ceil(370.61) = 371.
    expect(jitteredRetryAfter(373, "ab", true)).toBe(371);
    expect(jitteredRetryAfter(373, "ab", false)).toBe(376);
    for (let i = 0; i < 50; i++) {
      const v = jitteredRetryAfter(373, "seed-" + i.toString(), true);
      expect(v >= 187 && v <= 373).toBe(true);
    }
  });
  it("never answers below 1", () => {
    expect(jitteredRetryAfter(0.2, "ab", true)).toBe(1);
    expect(jitteredRetryAfter(1, "", false)).toBe(1);
  });
});
