// The de-facto X-Forwarded-* headers a reverse proxy sets on the upstream request: X-Forwarded-For gets the
// TCP peer appended (an existing list is kept, as nginx's $proxy_add_x_forwarded_for does), X-Forwarded-Proto
// and X-Forwarded-Host describe the client's request to us and replace anything the client sent.
import type { HeaderList } from "../../host/types.js";

export interface ClientHop {
  /** Peer IP (no port, no brackets). */
  ip: string;
  /** "https" when the service itself terminated TLS; this server is plain HTTP. */
  proto: "http" | "https";
  /** The Host the client asked for. */
  host: string;
}

export function withForwarded(headers: HeaderList, hop: ClientHop): HeaderList {
  const prior = headers.filter(([k]) => k.toLowerCase() === "x-forwarded-for").map(([, v]) => v.trim()).filter(Boolean);
  const out = headers.filter(([k]) => !["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"].includes(k.toLowerCase()));
  out.push(["x-forwarded-for", [...prior, hop.ip].join(", ")]);
  out.push(["x-forwarded-proto", hop.proto]);
  if (hop.host) out.push(["x-forwarded-host", hop.host]);
  return out;
}

/** "ip:port" or "[v6]:port" (Envoy's source.address form) → the bare IP. */
export function ipOf(address: string): string {
  if (address.startsWith("[")) return address.slice(1, address.indexOf("]"));
  const colon = address.lastIndexOf(":");
  return colon < 0 ? address : address.slice(0, colon);
}
