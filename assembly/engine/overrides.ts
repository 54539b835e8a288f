// Runtime override blocks `global_shadow` and `kill_switch_override` (spec 2.3): active while enabled
// and expires_at is later than now, so they switch themselves off at expiry without a reload.

import { NO_EXPIRY, RuntimeOverride } from "../policy/model";

export function isOverrideActive(block: RuntimeOverride | null, nowSeconds: f64): bool {
  if (block === null) return false;
  const b = block;
  if (!b.enabled || b.expiresAt == NO_EXPIRY) return false;
  return f64(b.expiresAt) > nowSeconds;
}
