// Traefik forwardAuth front (research/gateways.md 7.2).
import { describe, expect, it } from "vitest";
import type { DecisionRequest } from "../types.js";
import { fromForwardAuth, isForwardAuth } from "./forward-auth.js";

const traefik: DecisionRequest = {
  method: "GET",
  url: "/v1/decision",
  headers: [
    ["host", "fairvisor:8080"],
    ["x-forwarded-for", "198.51.100.4"],
    ["x-forwarded-method", "POST"],
    ["x-forwarded-proto", "https"],
    ["x-forwarded-host", "shop.example.com"],
    ["x-forwarded-uri", "/api/cart?id=3"],
    ["x-api-key", "k"],
  ],
  peer: "10.0.0.5:41000",
};

describe("forwardAuth", () => {
  it("is recognised by X-Forwarded-Uri/Method, unless nginx's headers are there", () => {
    expect(isForwardAuth(traefik)).toBe(true);
    expect(isForwardAuth({ ...traefik, headers: [...traefik.headers, ["x-original-uri", "/x"]] })).toBe(false);
    expect(isForwardAuth({ ...traefik, headers: [["x-forwarded-for", "1.2.3.4"]] })).toBe(false);
  });
  it("reads method, URI and host; keeps X-Forwarded-For and -Proto as client headers", () => {
    expect(fromForwardAuth(traefik)).toEqual({
      method: "POST",
      uri: "/api/cart?id=3",
      authority: "shop.example.com",
      headers: [
        ["x-forwarded-for", "198.51.100.4"],
        ["x-forwarded-proto", "https"],
        ["x-api-key", "k"],
      ],
      sourceAddress: "10.0.0.5:41000",
    });
  });
});
