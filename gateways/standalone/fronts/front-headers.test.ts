import { describe, expect, it } from "vitest";
import { clientHeaders, headerValue } from "./front-headers.js";

describe("clientHeaders", () => {
  it("drops hop-by-hop, decision-request framing and front headers; keeps order and repeats", () => {
    const out = clientHeaders([
      ["host", "edge:8080"],
      ["connection", "keep-alive, x-secret-hop"],
      ["keep-alive", "timeout=5"],
      ["x-secret-hop", "1"],
      ["transfer-encoding", "chunked"],
      ["content-length", "12"],
      ["x-original-uri", "/api/a"],
      ["x-original-method", "GET"],
      ["x-original-host", "api.example.com"],
      ["x-forwarded-method", "GET"],
      ["x-forwarded-uri", "/api/a"],
      ["x-forwarded-host", "api.example.com"],
      ["x-api-key", "k1"],
      ["x-forwarded-for", "203.0.113.7"],
      ["authorization", "Bearer t"],
      ["x-api-key", "k2"],
    ]);
    expect(out).toEqual([
      ["x-api-key", "k1"],
      ["x-forwarded-for", "203.0.113.7"],
      ["authorization", "Bearer t"],
      ["x-api-key", "k2"],
    ]);
  });
  it("headerValue gives the first value", () => {
    expect(headerValue([["a", "1"], ["a", "2"]], "a")).toBe("1");
    expect(headerValue([], "a")).toBeUndefined();
  });
});
