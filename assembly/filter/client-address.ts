// The client address the engine sees as `ip:address`.
// - The peer comes from the `source.address` property: "ip:port" on Envoy, "[v6]:port" for IPv6, and a bare
//   address on Kong (DESIGN.md section 3; research/gateways.md section 0, "Properties").
// - X-Forwarded-For is honoured only when the peer is a trusted proxy; then the list is walked from the right
//   and the first address that is not itself trusted is the client (nginx real_ip_recursive). Otherwise the
//   peer is used (project decision 13).
import { Cidr, IpAddress, parseIp } from "./ip-address";

/** Strips the port from a `source.address` value. */
export function stripPort(address: string): string {
  const len = address.length;
  if (len == 0) return address;
  if (address.charCodeAt(0) == 91) {
    // "[v6]:port"
    const close = address.indexOf("]");
    return close > 0 ? address.substring(1, close) : address;
  }
  const first = address.indexOf(":");
  if (first < 0) return address;
  // More than one colon: a bare IPv6 address without port.
  if (address.indexOf(":", first + 1) >= 0) return address;
  return address.substring(0, first);
}

function isTrusted(ip: IpAddress, trusted: Cidr[]): bool {
  for (let i = 0; i < trusted.length; i++) {
    if (unchecked(trusted[i]).contains(ip)) return true;
  }
  return false;
}

export function clientAddress(peer: string, forwardedFor: string | null, trusted: Cidr[]): string {
  if (forwardedFor === null || trusted.length == 0) return peer;
  if (!isTrusted(parseIp(peer), trusted)) return peer;
  const xff = forwardedFor;
  let end = xff.length;
  let candidate = peer;
  while (end > 0) {
    let start = xff.lastIndexOf(",", end - 1);
    const item = xff.substring(start + 1, end).trim();
    end = start < 0 ? 0 : start;
    if (item.length == 0) continue;
    const ip = parseIp(stripPort(item));
    if (!ip.ok) return candidate; // garbage: stop at the last address we could believe
    candidate = stripPort(item);
    if (!isTrusted(ip, trusted)) return candidate;
  }
  return candidate;
}
