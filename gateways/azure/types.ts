// Azure shapes, declared locally. The Functions v4 HTTP trigger hands a fetch-style request
// (`@azure/functions` HttpRequest: method, url, headers.get) and takes a plain response init; only what the
// handler reads is typed, so the handler runs without the Functions host (research/gateways.md section 6).

export interface AzureHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

export interface AzureHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: AzureHeaders;
}

export interface AzureInvocationContext {
  readonly functionName: string;
  readonly invocationId: string;
}

export interface AzureHttpResponseInit {
  status: number;
  headers: Array<[string, string]>;
  body?: Uint8Array;
}

/**
 * Headers APIM's send-request sets in fairvisor-fragment.xml: the original request as X-Original-* (the
 * decision service's contract, spec 9.2), plus the client address APIM saw (context.Request.IpAddress).
 */
export const APIM_HEADERS = {
  method: "x-original-method",
  uri: "x-original-uri",
  host: "x-original-host",
  clientIp: "x-original-client-ip",
} as const;
