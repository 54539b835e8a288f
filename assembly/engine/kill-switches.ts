// Kill switches (spec 7 step 3, 8.4): global, checked before routing, never shadowed, consume nothing.
// An entry applies while its expires_at is not earlier than now; it matches when its scope descriptor is
// present and string-equal (case-sensitive) to scope_value, and its route (if any) equals the request
// path without query (project decision 7). The first matching entry wins.

import { KillSwitch, NO_EXPIRY } from "../policy/model";
import { DescriptorExtractor, DescriptorKeys } from "./descriptors";
import { RequestContext } from "./request-context";
import { RequestView } from "./request-view";

/** Base Retry-After of a kill-switch reject (spec 8.4). */
export const KILL_SWITCH_RETRY_AFTER: f64 = 3600;

@final
export class CompiledKillSwitches {
  private entries: KillSwitch[];
  private keyIds: StaticArray<i32>;

  constructor(entries: KillSwitch[], keys: DescriptorKeys) {
    this.entries = entries;
    this.keyIds = new StaticArray<i32>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      unchecked((this.keyIds[i] = keys.intern(unchecked(entries[i]).scopeKey)));
    }
  }

  get count(): i32 {
    return this.entries.length;
  }

  /** Index of the first matching entry, or -1. */
  find(req: RequestView, ctx: RequestContext, extractor: DescriptorExtractor, nowSeconds: f64): i32 {
    const entries = this.entries;
    for (let i = 0, n = entries.length; i < n; i++) {
      const ks = unchecked(entries[i]);
      if (ks.expiresAt != NO_EXPIRY && f64(ks.expiresAt) < nowSeconds) continue;
      const value = extractor.value(unchecked(this.keyIds[i]), req, ctx);
      if (value === null || value != ks.scopeValue) continue;
      const route = ks.route;
      if (route !== null && !ctx.pathEquals(route)) continue;
      return i;
    }
    return -1;
  }
}
