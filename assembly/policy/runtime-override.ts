// `global_shadow` and `kill_switch_override` (spec 2.3), checked in the reference's order. The
// caller adds the `<field>_invalid: ` prefix. The engine treats a block as active while enabled and
// expiresAt > now, so an override switches itself off without a reload.

import { JsonValue } from "../json";
import { RuntimeOverride } from "./model";
import { isBool, isNonEmptyString, isTable, member, utf8Length } from "./lua-table";
import { INVALID_TIMESTAMP, parseIsoUtc } from "./timestamp";

export const MAX_REASON_BYTES: i32 = 256;

/** Fills `out`; returns "" or the detail message. */
export function compileRuntimeOverride(block: JsonValue, nowSeconds: i64, out: RuntimeOverride): string {
  if (!isTable(block)) return "must be a table";
  const enabled = member(block, "enabled");
  if (enabled === null) return "enabled is required";
  if (!isBool(enabled)) return "enabled must be a boolean";
  if (!enabled.bool) return "";

  const reason = member(block, "reason");
  if (reason === null || !isNonEmptyString(reason)) return "reason is required when enabled";
  // Lua's # counts bytes, so the limit is in UTF-8 bytes.
  if (utf8Length(reason.str) > MAX_REASON_BYTES) return "reason must be <= 256 chars";

  const expires = member(block, "expires_at");
  if (expires === null || !isNonEmptyString(expires)) return "expires_at is required when enabled";
  const expiresAt = parseIsoUtc(expires.str);
  if (expiresAt == INVALID_TIMESTAMP) return "expires_at_invalid";
  if (expiresAt <= nowSeconds) return "expired";

  out.enabled = true;
  out.reason = reason.str;
  out.expiresAt = expiresAt;
  return "";
}
