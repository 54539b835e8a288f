// `kill_switches` (spec 2.4): every entry is checked in the reference's order; the first bad entry
// refuses the whole bundle (the caller adds `kill_switch_invalid: `). A switch whose scope key
// passes the loose 2.4 check but is no descriptor key (`ip:foo`) can never match at request time,
// so it is validated and then left out of the compiled list.

import { JsonKind, JsonValue } from "../json";
import { KillSwitch, NO_EXPIRY } from "./model";
import { isNonEmptyString, isString, isTable, itemAt, luaLength, member } from "./lua-table";
import { isValidScopeKey, parseDescriptorKey, usesUserAgent } from "./descriptor-key";
import { INVALID_TIMESTAMP, parseIsoUtc } from "./timestamp";

@final
export class KillSwitchList {
  switches: KillSwitch[] = [];
  /** Some scope key has the `ua:` source (spec 2.6 needs_user_agent). */
  needsUserAgent: bool = false;
}

/** Fills `out` from the `kill_switches` value; returns "" or the detail message. */
export function compileKillSwitches(list: JsonValue, out: KillSwitchList): string {
  if (!isTable(list)) return "kill_switches must be a table";
  const count = luaLength(list);
  for (let i = 0; i < count; i++) {
    const at = "kill_switches[" + (i + 1).toString() + "]";
    const entry = itemAt(list, i);
    if (!isTable(entry)) return at + " must be a table";

    const scope = member(entry, "scope_key");
    if (scope === null || scope.kind != JsonKind.STRING || !isValidScopeKey(scope.str)) {
      return at + ".scope_key must match ^(jwt|header|query|ip|ua):[A-Za-z0-9_-]+$";
    }
    const value = member(entry, "scope_value");
    if (value === null || !isNonEmptyString(value)) return at + ".scope_value must be a non-empty string";

    const route = member(entry, "route");
    if (route !== null) {
      if (!isNonEmptyString(route)) return at + ".route must be a non-empty string when set";
      if (!route.str.startsWith("/")) return at + ".route must start with /";
    }

    const reason = member(entry, "reason");
    if (reason !== null && !isString(reason)) return at + ".reason must be a string when set";

    let expiresAt = NO_EXPIRY;
    const expires = member(entry, "expires_at");
    if (expires !== null) {
      if (!isString(expires)) return at + ".expires_at must be an ISO 8601 UTC string";
      expiresAt = parseIsoUtc(expires.str);
      if (expiresAt == INVALID_TIMESTAMP) return at + ".expires_at must be valid ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)";
    }

    if (usesUserAgent(scope.str)) out.needsUserAgent = true;
    const key = parseDescriptorKey(scope.str);
    if (key === null) continue;
    const compiled = new KillSwitch();
    compiled.scopeKey = key;
    compiled.scopeValue = value.str;
    compiled.route = route !== null ? route.str : null;
    compiled.reason = reason !== null ? reason.str : "";
    compiled.expiresAt = expiresAt;
    out.switches.push(compiled);
  }
  return "";
}
