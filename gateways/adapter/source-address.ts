// The platform's client address becomes the stream's `source.address` in Envoy's "ip:port" form (IPv6
// bracketed); the filter strips the port (assembly/filter/client-address.ts). The shims pass no trusted
// proxies, so X-Forwarded-For in the client headers is ignored (project decision 13): the address the
// platform vouches for is the only one believed.
import { isIP } from "node:net";

/** "" when the platform gave no usable address: `ip:address` keys are then missing and their rules skip (spec 7). */
export function sourceAddressFor(ip: string | undefined): string {
  if (ip === undefined) return "";
  const trimmed = ip.trim();
  const family = isIP(trimmed);
  if (family === 4) return `${trimmed}:0`;
  if (family === 6) return `[${trimmed}]:0`;
  return "";
}
