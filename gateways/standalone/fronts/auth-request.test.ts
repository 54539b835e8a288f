// nginx auth_request front (research/gateways.md 7.1, spec 9.2).
import { describe, expect, it } from "vitest";
import type { DecisionRequest } from "../types.js";
import { fromAuthRequest } from "./auth-request.js";

const base: DecisionRequest = { method: "GET", url: "/v1/decision", headers: [["host", "edge:8080"]], peer: "127.0.0.1:50000" };

describe("fromAuthRequest", () => {
  it("reads the original method, URI (verbatim, with query) and host", () => {
    const input = fromAuthRequest({
      ...base,
      headers: [
        ["host", "edge:8080"],
        ["x-original-method", "DELETE"],
        ["x-original-uri", "/api/items/7?force=1&x=%20"],
        ["x-original-host", "api.example.com"],
        ["x-api-key", "demo"],
      ],
    });
    expect(input).toEqual({
      method: "DELETE",
      uri: "/api/items/7?force=1&x=%20",
      authority: "api.example.com",
      headers: [["x-api-key", "demo"]],
      sourceAddress: "127.0.0.1:50000",
    });
  });
  it("missing headers: the decision request's own method, target and Host (spec 9.2)", () => {
    const input = fromAuthRequest({ ...base, method: "POST", url: "/v1/decision?a=1" });
    expect(input).toMatchObject({ method: "POST", uri: "/v1/decision?a=1", authority: "edge:8080", headers: [] });
  });
});
