// gateways/gcp: backend shim for GCP API Gateway (x-google-backend → this function → the real backend).
export { createBackendShim, type BackendShimOptions, type HttpFunction } from "./handler.js";
export { identityHeaders, clientIpFrom } from "./identity.js";
export { GATEWAY_HEADERS, type GcpRequest, type GcpResponse } from "./types.js";
