import { describe, expect, it } from "vitest";
import { canonicalHeaderName } from "./header-case.js";

describe("canonicalHeaderName", () => {
  it("writes the spec's spelling of the decision headers (spec 9.3)", () => {
    expect(canonicalHeaderName("retry-after")).toBe("Retry-After");
    expect(canonicalHeaderName("ratelimit-limit")).toBe("RateLimit-Limit");
    expect(canonicalHeaderName("ratelimit-remaining")).toBe("RateLimit-Remaining");
    expect(canonicalHeaderName("ratelimit-reset")).toBe("RateLimit-Reset");
    expect(canonicalHeaderName("ratelimit")).toBe("RateLimit");
    expect(canonicalHeaderName("x-fairvisor-reason")).toBe("X-Fairvisor-Reason");
    expect(canonicalHeaderName("x-fairvisor-warning")).toBe("X-Fairvisor-Warning");
    expect(canonicalHeaderName("content-type")).toBe("Content-Type");
  });
  it("accepts any input case", () => {
    expect(canonicalHeaderName("RATELIMIT-RESET")).toBe("RateLimit-Reset");
    expect(canonicalHeaderName("X-Fairvisor-Loop-Count")).toBe("X-Fairvisor-Loop-Count");
  });
});
