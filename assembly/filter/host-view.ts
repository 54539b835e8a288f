// RequestView over the proxy-wasm request header map and properties. Only valid inside the request-headers
// callback, or later while that callback's Pause holds the request: Envoy makes header maps readable only
// in their own callback (DESIGN.md section 3) but keeps the request headers while the headers callback has
// stopped iteration (envoy context.cc decodeHeaders clears them only on Continue), which is when the body
// callback decides an LLM request. The buffered body is handed in with setBody().
import { RequestView } from "../engine/request-view";
import { Deployment } from "./deployment";
import { clientAddress, stripPort } from "./client-address";
import { getHeader, getProperty, MapType } from "./host-calls";

// Pseudo-headers first (Envoy, Kong, APISIX all expose them); the property is a fallback for hosts that do
// not (the path uses "\0" separators, DESIGN.md section 3).
function pseudoOrProperty(pseudo: string, property: string): string {
  const value = getHeader(MapType.REQUEST_HEADERS, pseudo);
  if (value !== null) return value;
  const bytes = getProperty(property);
  return bytes === null ? "" : String.UTF8.decode(bytes);
}

@final
export class HostRequestView extends RequestView {
  private cachedMethod: string | null = null;
  private cachedPath: string | null = null;
  private cachedHost: string | null = null;
  private cachedPeer: string | null = null;
  private bufferedBody: ArrayBuffer | null = null;

  constructor(private deployment: Deployment) {
    super();
  }

  method(): string {
    const cached = this.cachedMethod;
    if (cached !== null) return cached;
    const value = pseudoOrProperty(":method", "request\0method");
    this.cachedMethod = value;
    return value;
  }

  path(): string {
    const cached = this.cachedPath;
    if (cached !== null) return cached;
    const value = pseudoOrProperty(":path", "request\0path");
    this.cachedPath = value;
    return value;
  }

  host(): string {
    const cached = this.cachedHost;
    if (cached !== null) return cached;
    let h = getHeader(MapType.REQUEST_HEADERS, ":authority");
    if (h === null) h = getHeader(MapType.REQUEST_HEADERS, "host");
    const value = h === null ? "" : h;
    this.cachedHost = value;
    return value;
  }

  header(lowerName: string): string | null {
    return getHeader(MapType.REQUEST_HEADERS, lowerName);
  }

  /** The request body read at end of stream (Engine.needsBody asked for it). */
  setBody(bytes: ArrayBuffer | null): void {
    this.bufferedBody = bytes;
  }

  body(): ArrayBuffer | null {
    return this.bufferedBody;
  }

  peerAddress(): string {
    const cached = this.cachedPeer;
    if (cached !== null) return cached;
    let source = getProperty("source\0address");
    // APISIX exposes nginx variables instead of Envoy attributes (research/gateways.md section 0).
    if (source === null) source = getProperty("remote_addr");
    const peer = source === null ? "" : stripPort(String.UTF8.decode(source));
    const trusted = this.deployment.trustedProxies;
    const value = trusted.length == 0 ? peer : clientAddress(peer, getHeader(MapType.REQUEST_HEADERS, "x-forwarded-for"), trusted);
    this.cachedPeer = value;
    return value;
  }
}
