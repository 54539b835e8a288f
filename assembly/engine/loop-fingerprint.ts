// The loop-detection fingerprint (spec 8.5): CRC-32 of these parts joined with `|`:
//   1. method;  2. the raw path (with its query);
//   3. the query parameters of the raw path (project decision 7) as `k=v`, percent-decoded, sorted by
//      key (stable), joined with `&`; a bare `k` is `k=true`, as ngx.req.get_uri_args gives it;
//   4. the body hash: always empty (the reference never hashes a body on the HTTP path);
//   5. the present descriptors of the policy's limit keys as `key=value`, sorted by key, joined with `&`.
// Headers that are not limit keys do not matter. The joiners of parts 3 and 5 are this project's choice
// (the digest does not give them); counters keyed by the fingerprint only need it to be stable.

import { CHAR_AMP, CHAR_EQUALS } from "../util/chars";
import { crc32String } from "../util/crc32";
import { percentDecode } from "../util/percent-decode";
import { StringBuilder } from "../util/string-builder";
import { CompiledPolicy } from "./compiled-policy";
import { DescriptorExtractor, DescriptorKeys } from "./descriptors";
import { RequestContext } from "./request-context";
import { RequestView } from "./request-view";

/** nginx's default cap on parsed arguments (ngx.req.get_uri_args max_args = 100). */
const MAX_QUERY_PAIRS: i32 = 100;

@final
export class LoopFingerprint {
  private builder: StringBuilder = new StringBuilder();
  private names: string[] = [];
  private values: string[] = [];

  compute(
    policy: CompiledPolicy,
    keys: DescriptorKeys,
    extractor: DescriptorExtractor,
    req: RequestView,
    ctx: RequestContext,
  ): u32 {
    const b = this.builder;
    b.reset();
    b.append(ctx.method);
    b.appendCode(0x7c);
    b.append(ctx.rawPath);
    b.appendCode(0x7c);
    this.appendSortedQuery(ctx);
    b.appendCode(0x7c);
    // Body hash: empty.
    b.appendCode(0x7c);
    // Descriptors: extractedKeyIds is already sorted by key text.
    const ids = policy.extractedKeyIds;
    let first = true;
    for (let i = 0, n = ids.length; i < n; i++) {
      const id = unchecked(ids[i]);
      const v = extractor.value(id, req, ctx);
      if (v === null) continue;
      if (!first) b.appendCode(u16(CHAR_AMP));
      first = false;
      b.append(unchecked(keys.texts[id]));
      b.appendCode(u16(CHAR_EQUALS));
      b.append(v);
    }
    return crc32String(b.toString());
  }

  private appendSortedQuery(ctx: RequestContext): void {
    const names = this.names;
    const values = this.values;
    names.length = 0;
    values.length = 0;
    const start = ctx.queryStart;
    if (start < 0) return;
    const raw = ctx.rawPath;
    const end = raw.length;
    let i = start;
    while (i < end && names.length < MAX_QUERY_PAIRS) {
      let pairEnd = i;
      while (pairEnd < end && u32(raw.charCodeAt(pairEnd)) != CHAR_AMP) pairEnd++;
      let eq = i;
      while (eq < pairEnd && u32(raw.charCodeAt(eq)) != CHAR_EQUALS) eq++;
      if (eq > i) {
        const name = percentDecode(raw, i, eq);
        const value = eq == pairEnd ? "true" : percentDecode(raw, eq + 1, pairEnd);
        // Insertion sort, stable: a later equal name goes after the earlier ones.
        let j = names.length;
        names.push(name);
        values.push(value);
        while (j > 0 && unchecked(names[j - 1]) > name) {
          unchecked((names[j] = names[j - 1]));
          unchecked((values[j] = values[j - 1]));
          j--;
        }
        unchecked((names[j] = name));
        unchecked((values[j] = value));
      }
      i = pairEnd + 1;
    }
    const b = this.builder;
    for (let k = 0, n = names.length; k < n; k++) {
      if (k > 0) b.appendCode(u16(CHAR_AMP));
      b.append(unchecked(names[k]));
      b.appendCode(u16(CHAR_EQUALS));
      b.append(unchecked(values[k]));
    }
  }
}
