// `query:` descriptors and `cost_source: query:` read the query string of the request path
// (project decision 7: in decision-service mode that is X-Original-URI's query, which the glue passes
// as the path). Pairs are split on `&`, a pair on its first `=`; names and values are percent-decoded
// (`+` = space); the first occurrence of a name wins (spec 5.1). A bare `name` with no `=` is the
// boolean true in ngx.req.get_uri_args, which the reference turns into the string "true".

import { CHAR_AMP, CHAR_EQUALS, CHAR_PERCENT, CHAR_PLUS } from "../util/chars";
import { percentDecode } from "../util/percent-decode";

/** Value of query parameter `name` in rawPath[queryStart, end), or null when absent. */
export function findQueryParam(rawPath: string, queryStart: i32, name: string): string | null {
  const end = rawPath.length;
  let i = queryStart;
  while (i < end) {
    let pairEnd = i;
    while (pairEnd < end && u32(rawPath.charCodeAt(pairEnd)) != CHAR_AMP) pairEnd++;
    let eq = i;
    while (eq < pairEnd && u32(rawPath.charCodeAt(eq)) != CHAR_EQUALS) eq++;
    if (eq > i && nameEquals(rawPath, i, eq, name)) {
      if (eq == pairEnd) return "true";
      return percentDecode(rawPath, eq + 1, pairEnd);
    }
    i = pairEnd + 1;
  }
  return null;
}

/** Whether the encoded name rawPath[start, end) decodes to `name`. Compares in place when plain. */
function nameEquals(rawPath: string, start: i32, end: i32, name: string): bool {
  let encoded = false;
  for (let k = start; k < end; k++) {
    const c = u32(rawPath.charCodeAt(k));
    if (c == CHAR_PERCENT || c == CHAR_PLUS) {
      encoded = true;
      break;
    }
  }
  if (encoded) return percentDecode(rawPath, start, end) == name;
  const len = end - start;
  if (len != name.length) return false;
  return memory.compare(
    changetype<usize>(rawPath) + (usize(start) << 1),
    changetype<usize>(name),
    usize(len) << 1,
  ) == 0;
}
