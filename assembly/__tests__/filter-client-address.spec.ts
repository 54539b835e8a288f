// Proves the trusted-proxy rules of project decision 13 and the source.address formats of each host
// (Envoy "ip:port", "[v6]:port"; Kong bare ip), without a host.
import { parseCidr, parseIp } from "../filter/ip-address";
import { clientAddress, stripPort } from "../filter/client-address";
import { Cidr } from "../filter/ip-address";

function cidrs(list: string[]): Cidr[] {
  const out: Cidr[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = parseCidr(list[i]);
    if (c !== null) out.push(c);
  }
  return out;
}

describe("stripPort", () => {
  it("strips an IPv4 port (Envoy)", () => {
    expect(stripPort("10.1.2.3:51234")).toBe("10.1.2.3");
  });
  it("keeps a bare address (Kong)", () => {
    expect(stripPort("10.1.2.3")).toBe("10.1.2.3");
  });
  it("strips a bracketed IPv6 port", () => {
    expect(stripPort("[2001:db8::1]:443")).toBe("2001:db8::1");
  });
  it("keeps a bare IPv6 address", () => {
    expect(stripPort("2001:db8::1")).toBe("2001:db8::1");
  });
});

describe("parseIp / parseCidr", () => {
  it("parses IPv4", () => {
    const ip = parseIp("192.168.1.20");
    expect(ip.ok).toBe(true);
    expect(ip.v6).toBe(false);
    expect(ip.lo).toBe(0xc0a80114);
  });
  it("refuses bad IPv4", () => {
    expect(parseIp("256.1.1.1").ok).toBe(false);
    expect(parseIp("1.2.3").ok).toBe(false);
    expect(parseIp("1.2.3.4.5").ok).toBe(false);
    expect(parseIp("a.b.c.d").ok).toBe(false);
    expect(parseIp("").ok).toBe(false);
  });
  it("parses IPv6 with :: and an IPv4 tail", () => {
    const a = parseIp("::ffff:10.0.0.1");
    expect(a.ok).toBe(true);
    expect(a.hi).toBe(0);
    expect(a.lo).toBe(0x0000ffff0a000001);
    const b = parseIp("2001:db8::1");
    expect(b.hi).toBe(0x20010db800000000);
    expect(b.lo).toBe(1);
  });
  it("refuses bad IPv6", () => {
    expect(parseIp("2001:::1").ok).toBe(false);
    expect(parseIp("1:2:3:4:5:6:7:8:9").ok).toBe(false);
    expect(parseIp("12345::").ok).toBe(false);
    expect(parseIp("g::1").ok).toBe(false);
  });
  it("matches CIDRs", () => {
    const net = parseCidr("10.0.0.0/8");
    expect(net === null).toBe(false);
    if (net !== null) {
      expect(net.contains(parseIp("10.200.3.4"))).toBe(true);
      expect(net.contains(parseIp("11.0.0.1"))).toBe(false);
      expect(net.contains(parseIp("::1"))).toBe(false);
    }
    const v6 = parseCidr("2001:db8::/32");
    if (v6 !== null) {
      expect(v6.contains(parseIp("2001:db8:ffff::5"))).toBe(true);
      expect(v6.contains(parseIp("2001:db9::5"))).toBe(false);
    }
    expect(parseCidr("10.0.0.0/33") === null).toBe(true);
    expect(parseCidr("nonsense") === null).toBe(true);
  });
});

describe("clientAddress (decision 13)", () => {
  it("ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientAddress("203.0.113.9", "1.1.1.1", [])).toBe("203.0.113.9");
  });
  it("ignores X-Forwarded-For from an untrusted peer", () => {
    expect(clientAddress("203.0.113.9", "1.1.1.1", cidrs(["10.0.0.0/8"]))).toBe("203.0.113.9");
  });
  it("takes the rightmost untrusted address from a trusted peer", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 1.1.1.1, 10.0.0.7", cidrs(["10.0.0.0/8"]))).toBe("1.1.1.1");
  });
  it("falls back to the leftmost when every hop is trusted", () => {
    expect(clientAddress("10.0.0.2", "10.0.0.9, 10.0.0.7", cidrs(["10.0.0.0/8"]))).toBe("10.0.0.9");
  });
  it("stops at garbage", () => {
    expect(clientAddress("10.0.0.2", "1.1.1.1, not-an-ip", cidrs(["10.0.0.0/8"]))).toBe("10.0.0.2");
  });
});
