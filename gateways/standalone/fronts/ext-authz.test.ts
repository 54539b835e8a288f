// Envoy HTTP ext_authz front (research/gateways.md 1.9): client method, prefixed path, original host.
import { describe, expect, it } from "vitest";
import { fromExtAuthz, isExtAuthzPath } from "./ext-authz.js";

describe("ext_authz", () => {
  it("only the prefixed form is ext_authz", () => {
    expect(isExtAuthzPath("/v1/decision/api/chat")).toBe(true);
    expect(isExtAuthzPath("/v1/decision/")).toBe(true);
    expect(isExtAuthzPath("/v1/decision")).toBe(false);
    expect(isExtAuthzPath("/v1/decisions/x")).toBe(false);
  });
  it("strips the prefix, keeps the query, the method and the Host", () => {
    const input = fromExtAuthz({
      method: "PUT",
      url: "/v1/decision/api/chat?model=gpt&x=1",
      headers: [
        ["host", "api.example.com"],
        ["authorization", "Bearer abc"],
        ["content-length", "0"],
      ],
      peer: "[::1]:6000",
    });
    expect(input).toEqual({
      method: "PUT",
      uri: "/api/chat?model=gpt&x=1",
      authority: "api.example.com",
      headers: [["authorization", "Bearer abc"]],
      sourceAddress: "[::1]:6000",
    });
  });
  it("the bare prefix with a slash is the root path", () => {
    expect(fromExtAuthz({ method: "GET", url: "/v1/decision/", headers: [], peer: "" }).uri).toBe("/");
  });
});
