// What the engine sees of a request. The proxy-wasm glue (assembly/filter/host-view.ts) implements it
// over header maps and properties; specs implement it over plain fields. The engine never calls the host.

export abstract class RequestView {
  /** `:method`, e.g. "GET". */
  abstract method(): string;
  /** `:path` as received: path plus optional `?query`, no percent-decoding. */
  abstract path(): string;
  /** `:authority` / Host as received (the engine normalises it). */
  abstract host(): string;
  /**
   * First value of a request header, or null when absent. `lowerName` is lower-case and is matched
   * exactly; the engine itself tries the `-`/`_` variants (spec 5.2).
   */
  abstract header(lowerName: string): string | null;
  /** The peer IP address without port (after trusted-proxy handling, project decision 13). */
  abstract peerAddress(): string;
  /**
   * The request body when the glue buffered it (only for requests where Engine.needsBody said so, spec
   * 8.3: LLM prompt estimate, max_tokens, stream flag); null when not read.
   */
  body(): ArrayBuffer | null {
    return null;
  }
}
