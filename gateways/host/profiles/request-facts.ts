// Facts every profile derives the same way from the stream: header lookups and address splitting.
import type { Context } from "../context.js";
import type { HeaderList } from "../types.js";

/**
 * Request headers visible to properties now: during a request phase (or while it is paused) and in on_log.
 * Envoy resolves request.* from request_headers_ or the access-log headers only (envoy context.cc findValue).
 */
export function visibleRequestHeaders(ctx: Context): HeaderList | null {
  return ctx.logPhase ? ctx.logRequestHeaders : ctx.requestHeaders;
}

export function header(list: HeaderList, name: string): string | undefined {
  for (let i = 0; i < list.length; i++) if (list[i][0] === name) return list[i][1];
  return undefined;
}

/** All values of a header joined with "," (Envoy HeadersWrapper for request.headers.<name>). */
export function headerJoined(list: HeaderList, name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < list.length; i++) if (list[i][0] === name) out = out === undefined ? list[i][1] : `${out},${list[i][1]}`;
  return out;
}

/** "1.2.3.4:5678" → ["1.2.3.4", "5678"]; "[::1]:80" → ["::1", "80"]; no port → [address, undefined]. */
export function splitAddress(address: string): [string, string | undefined] {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    if (end > 0) return [address.slice(1, end), address[end + 1] === ":" ? address.slice(end + 2) : undefined];
  }
  const colon = address.lastIndexOf(":");
  if (colon > 0 && address.indexOf(":") === colon) return [address.slice(0, colon), address.slice(colon + 1)];
  return [address, undefined];
}

/** StreamInfo.properties entry for a dotted key ("a.b.c"), or undefined. */
export function extraProperty(ctx: Context, dottedKey: string): string | Uint8Array | undefined {
  const props = ctx.info?.properties;
  if (props === undefined || !Object.hasOwn(props, dottedKey)) return undefined;
  return props[dottedKey];
}
