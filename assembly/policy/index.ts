// Public surface of the policy layer: the compiled model, loadBundle, and the parsers other layers reuse.
export * from "./model";
export { loadBundle, loadParsedBundle } from "./loader";
export {
  parseIsoUtc, isoUtcError, formatIsoUtc, INVALID_TIMESTAMP,
  TIMESTAMP_NOT_STRING, TIMESTAMP_BAD_FORMAT, TIMESTAMP_INVALID,
} from "./timestamp";
export { parseDescriptorKey, isValidScopeKey, isKeyName, usesUserAgent } from "./descriptor-key";
export { normaliseSelectorHost } from "./hostname";
export { divideLimits } from "./divide-limits";
