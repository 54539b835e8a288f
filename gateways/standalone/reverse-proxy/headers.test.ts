// Hop-by-hop removal (RFC 9110 7.6.1) and X-Forwarded-* on the upstream request.
import { describe, expect, it } from "vitest";
import { ipOf, withForwarded } from "./forwarded.js";
import { withoutHopByHop } from "../../http/hop-by-hop.js";

describe("withoutHopByHop", () => {
  it("drops the fixed list and every header Connection names, in any case; keeps order and repeats", () => {
    expect(
      withoutHopByHop([
        ["Connection", "close, X-Trace"],
        ["x-trace", "1"],
        ["Keep-Alive", "timeout=5"],
        ["Proxy-Connection", "keep-alive"],
        ["TE", "trailers"],
        ["Transfer-Encoding", "chunked"],
        ["Upgrade", "h2c"],
        ["Trailer", "x-sum"],
        ["accept", "a"],
        ["accept", "b"],
      ]),
    ).toEqual([["accept", "a"], ["accept", "b"]]);
  });
});

describe("withForwarded", () => {
  it("appends the peer to X-Forwarded-For and replaces -Proto and -Host", () => {
    const out = withForwarded([["x-forwarded-for", "1.1.1.1"], ["X-Forwarded-For", "2.2.2.2"], ["x-forwarded-proto", "https"], ["a", "b"]], { ip: "10.0.0.1", proto: "http", host: "shop" });
    expect(out).toEqual([["a", "b"], ["x-forwarded-for", "1.1.1.1, 2.2.2.2, 10.0.0.1"], ["x-forwarded-proto", "http"], ["x-forwarded-host", "shop"]]);
  });
  it("ipOf strips the port and IPv6 brackets", () => {
    expect([ipOf("127.0.0.1:5000"), ipOf("[::1]:80")]).toEqual(["127.0.0.1", "::1"]);
  });
});
