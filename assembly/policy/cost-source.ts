// `cost_source` (token_bucket, spec 8.1) and `cost_key` (cost_based, spec 8.2): `fixed`,
// `header:<name>` or `query:<name>` with a [A-Za-z0-9_-]+ name.

import { CostSource } from "./model";
import { isKeyName } from "./descriptor-key";

/** The CostSource of `text`, or -1 when it is not one of the three forms. */
export function costSourceKind(text: string): i32 {
  if (text == "fixed") return CostSource.FIXED;
  if (text.startsWith("header:")) return isKeyName(text, 7) ? CostSource.HEADER : -1;
  if (text.startsWith("query:")) return isKeyName(text, 6) ? CostSource.QUERY : -1;
  return -1;
}

/** The name part for a valid header/query source: header names lower-cased (decision 8), query as written. */
export function costSourceName(text: string, kind: i32): string {
  if (kind == CostSource.HEADER) return text.substring(7).toLowerCase();
  if (kind == CostSource.QUERY) return text.substring(6);
  return "";
}
