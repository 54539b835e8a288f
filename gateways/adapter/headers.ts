// Header lists as the shims hand them to the filter: names lower-cased, repeats kept, and the headers that
// describe the hop to the function (not the client's request) removed. RFC 9110 section 7.6.1 lists the
// hop-by-hop ones; `host` becomes :authority.
import type { HeaderList } from "../host/types.js";
import { HOP_BY_HOP } from "../http/hop-by-hop.js";

/** Describe the call to the function itself; `host` becomes :authority. */
const THIS_HOP_ONLY = new Set(["host", "content-length", "expect"]);

export function isHopByHop(name: string): boolean {
  const lower = name.toLowerCase();
  return HOP_BY_HOP.has(lower) || THIS_HOP_ONLY.has(lower);
}

/** From a record whose values are a string or a list of strings (API Gateway, Node's IncomingHttpHeaders). */
export function headerListFrom(
  record: Record<string, string | string[] | undefined> | null | undefined,
  drop: ReadonlySet<string> = new Set(),
): HeaderList {
  const out: HeaderList = [];
  if (!record) return out;
  for (const [name, value] of Object.entries(record)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || THIS_HOP_ONLY.has(lower) || drop.has(lower)) continue;
    if (Array.isArray(value)) for (const v of value) out.push([lower, v]);
    else out.push([lower, value]);
  }
  return out;
}
