// Request cost for `cost_source` / `cost_key` (spec 8.1): fixed → fixed_cost (≤ 0 → 1); header:<n> or
// query:<n> → the value read as a Lua number, with a missing, non-numeric or ≤ 0 value giving
// default_cost. Header names are case-insensitive with `-`/`_` interchangeable (project decision 8);
// query values come from the request path's own query (decision 7).

import { CostSource } from "../policy/model";
import { luaToNumber } from "../util/lua-tonumber";
import { HeaderName } from "./header-lookup";
import { findQueryParam } from "./query-string";
import { RequestContext } from "./request-context";
import { RequestView } from "./request-view";

/** A compiled cost source: built once per rule. */
@final
export class CostPlan {
  source: CostSource;
  name: string;
  header: HeaderName | null = null;
  fixedCost: f64;
  defaultCost: f64;

  constructor(source: CostSource, name: string, fixedCost: f64, defaultCost: f64) {
    this.source = source;
    this.name = name;
    this.fixedCost = fixedCost;
    this.defaultCost = defaultCost;
    if (source == CostSource.HEADER) this.header = new HeaderName(name);
  }

  resolve(req: RequestView, ctx: RequestContext): f64 {
    if (this.source == CostSource.FIXED) {
      const fixed = this.fixedCost;
      return fixed > 0 ? fixed : 1;
    }
    let raw: string | null = null;
    if (this.source == CostSource.HEADER) {
      const header = this.header;
      if (header !== null) raw = header.lookup(req);
    } else {
      const q = ctx.queryStart;
      if (q >= 0) raw = findQueryParam(ctx.rawPath, q, this.name);
    }
    if (raw === null) return this.defaultCost;
    const cost = luaToNumber(raw);
    if (isNaN(cost) || cost <= 0) return this.defaultCost;
    return cost;
  }
}
