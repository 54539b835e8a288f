// Shapes shared by the decision service's parts. Requests arrive from a front (nginx auth_request, Traefik
// forwardAuth, Envoy ext_authz), become one DecisionInput, go through the wasm filter, and come back as one
// DecisionAnswer that server.ts writes out.
import type { HeaderList } from "../host/types.js";

/** The decision request as it reached us, before any front reads it. */
export interface DecisionRequest {
  /** Method of the decision request itself. */
  method: string;
  /** Request target of the decision request: path plus query, as sent. */
  url: string;
  /** Headers in arrival order, names lower-cased, repeats kept. */
  headers: HeaderList;
  /** TCP peer of the decision request as "ip:port" (Envoy's `source.address` form). */
  peer: string;
}

/** The original client request that the gateway asks about. */
export interface DecisionInput {
  method: string;
  /** Path plus query, verbatim (project decision 7: query keys read it, path matching strips it). */
  uri: string;
  /** Host the client asked for; the wasm normalises it (spec section 3). */
  authority: string;
  /** Client headers to show the filter (front and hop-by-hop headers removed). */
  headers: HeaderList;
  /** Becomes the stream's `source.address` property. */
  sourceAddress: string;
}

/** What the service answers to the gateway. */
export interface DecisionAnswer {
  status: number;
  headers: HeaderList;
  body: Uint8Array;
}
