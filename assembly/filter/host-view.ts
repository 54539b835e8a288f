// RequestView over the proxy-wasm request header map and properties. Only valid inside the request-headers
// callback, or later while that callback's Pause holds the request: Envoy makes header maps readable only
// in their own callback (DESIGN.md section 3) but keeps the request headers while the headers callback has
// stopped iteration (envoy context.cc decodeHeaders clears them only on Continue), which is when the body
// callback decides an LLM request. The buffered body is handed in with setBody().
import { RequestView } from "../engine/request-view";
import { Deployment } from "./deployment";
import { clientAddress, stripPort } from "./client-address";
import { getHeader, getHeaderPairs, getProperty, MapType } from "./host-calls";
import { HeaderTable } from "./header-table";

function propertyText(property: string): string {
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
  /** The whole request map, read on first use (header-table.ts); null when the host cannot list it. */
  private table: HeaderTable | null = null;
  private tableRead: bool = false;

  constructor(private deployment: Deployment) {
    super();
  }

  // Pseudo-headers first (Envoy, Kong, APISIX all expose them); the property is a fallback for hosts that do
  // not (the path uses "\0" separators, DESIGN.md section 3).
  private pseudoOrProperty(pseudo: string, property: string): string {
    const value = this.header(pseudo);
    return value !== null ? value : propertyText(property);
  }

  method(): string {
    const cached = this.cachedMethod;
    if (cached !== null) return cached;
    const value = this.pseudoOrProperty(":method", "request\0method");
    this.cachedMethod = value;
    return value;
  }

  path(): string {
    const cached = this.cachedPath;
    if (cached !== null) return cached;
    const value = this.pseudoOrProperty(":path", "request\0path");
    this.cachedPath = value;
    return value;
  }

  host(): string {
    const cached = this.cachedHost;
    if (cached !== null) return cached;
    let h = this.header(":authority");
    if (h === null) h = this.header("host");
    const value = h === null ? "" : h;
    this.cachedHost = value;
    return value;
  }

  header(lowerName: string): string | null {
    if (!this.tableRead) {
      this.tableRead = true;
      const pairs = getHeaderPairs(MapType.REQUEST_HEADERS);
      if (pairs !== null) this.table = new HeaderTable(pairs);
    }
    const table = this.table;
    return table !== null ? table.find(lowerName) : getHeader(MapType.REQUEST_HEADERS, lowerName);
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
    const value = trusted.length == 0 ? peer : clientAddress(peer, this.header("x-forwarded-for"), trusted);
    this.cachedPeer = value;
    return value;
  }
}
