// The route index (spec 6), built once per bundle: one segment trie per normalised host plus a
// wildcard trie for policies without `hosts`. Paths split on "/" with empty segments dropped.
// - pathExact sits at the node of its segments and matches only a byte-identical path (without the
//   query, project decision 7): `/v1/data` does not match `/v1/data/` or `/v1/Data`.
// - pathPrefix (stored with a trailing "/") at depth k matches requests with at least k+1 segments whose
//   first k are equal; the prefix "/" (k = 0) matches everything, "/" included. So `/v1/` does not match
//   `/v1` nor `/v1/` itself (one segment), a quirk kept for compatibility.
// - methods: absent = any; entries compared exactly and case-sensitively; methodsInvalid = nothing.
// Matching walks the request path in place (no substring allocation) and reports policy ranks: the
// position of the policy id in ascending string order, so sorting ranks sorts by id (spec 6 ordering).

import { Selector } from "../policy/model";
import { CHAR_SLASH } from "../util/chars";
import { RequestContext } from "./request-context";

@final
class RouteEntry {
  constructor(
    public rank: i32,
    public methods: string[] | null,
    public methodsInvalid: bool,
    /** The pathExact string for exact entries, "" for prefix entries. */
    public exactPath: string,
  ) {}

  allowsMethod(method: string): bool {
    if (this.methodsInvalid) return false;
    const methods = this.methods;
    if (methods === null) return true;
    for (let i = 0, n = methods.length; i < n; i++) {
      if (unchecked(methods[i]) == method) return true;
    }
    return false;
  }
}

@final
class TrieNode {
  segments: string[] = [];
  children: TrieNode[] = [];
  exact: RouteEntry[] = [];
  prefix: RouteEntry[] = [];

  child(segment: string): TrieNode {
    for (let i = 0, n = this.segments.length; i < n; i++) {
      if (unchecked(this.segments[i]) == segment) return unchecked(this.children[i]);
    }
    const node = new TrieNode();
    this.segments.push(segment);
    this.children.push(node);
    return node;
  }

  /** The child for rawPath[start, end), compared in place, or null. */
  findChild(rawPath: string, start: i32, end: i32): TrieNode | null {
    const len = end - start;
    const base = changetype<usize>(rawPath) + (usize(start) << 1);
    for (let i = 0, n = this.segments.length; i < n; i++) {
      const s = unchecked(this.segments[i]);
      if (s.length == len && memory.compare(changetype<usize>(s), base, usize(len) << 1) == 0) {
        return unchecked(this.children[i]);
      }
    }
    return null;
  }
}

/** Splits `path` on "/" dropping empty segments. Used at build time only. */
function splitSegments(path: string): string[] {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = unchecked(parts[i]);
    if (p.length > 0) out.push(p);
  }
  return out;
}

/** Collects matching ranks into a caller-owned scratch list (duplicates allowed; the engine dedupes). */
@final
export class RouteMatches {
  ranks: StaticArray<i32>;
  count: i32 = 0;

  constructor(capacity: i32) {
    this.ranks = new StaticArray<i32>(max(capacity, 1));
  }

  push(rank: i32): void {
    if (this.count >= this.ranks.length) {
      const grown = new StaticArray<i32>(this.ranks.length << 1);
      for (let i = 0; i < this.count; i++) unchecked((grown[i] = this.ranks[i]));
      this.ranks = grown;
    }
    unchecked((this.ranks[this.count] = rank));
    this.count++;
  }
}

@final
export class RouteIndex {
  private hostTries: Map<string, TrieNode> = new Map();
  private wildcard: TrieNode = new TrieNode();
  /** Number of route entries inserted (sizing scratch space). */
  entryCount: i32 = 0;

  /**
   * Inserts a policy's selector under `rank`. A selector with neither a usable pathExact nor
   * pathPrefix is skipped (never matches, spec 6).
   */
  add(selector: Selector, rank: i32): void {
    const exact = selector.pathExact;
    const prefix = selector.pathPrefix;
    const hasExact = exact !== null && exact.startsWith("/");
    const hasPrefix = prefix !== null && prefix.startsWith("/");
    if (!hasExact && !hasPrefix) return;
    const hosts = selector.hosts;
    if (hosts.length == 0) {
      this.insert(this.wildcard, selector, rank);
      return;
    }
    for (let i = 0; i < hosts.length; i++) {
      const host = unchecked(hosts[i]);
      let root: TrieNode;
      if (this.hostTries.has(host)) {
        root = this.hostTries.get(host);
      } else {
        root = new TrieNode();
        this.hostTries.set(host, root);
      }
      this.insert(root, selector, rank);
    }
  }

  private insert(root: TrieNode, selector: Selector, rank: i32): void {
    const exact = selector.pathExact;
    if (exact !== null && exact.startsWith("/")) {
      const path = exact;
      const node = this.walkOrCreate(root, path);
      node.exact.push(new RouteEntry(rank, selector.methods, selector.methodsInvalid, path));
      this.entryCount++;
    }
    const prefix = selector.pathPrefix;
    if (prefix !== null && prefix.startsWith("/")) {
      let p = prefix;
      if (!p.endsWith("/")) p += "/"; // the loader already adds it; keep the index self-contained
      const node = this.walkOrCreate(root, p);
      node.prefix.push(new RouteEntry(rank, selector.methods, selector.methodsInvalid, ""));
      this.entryCount++;
    }
  }

  private walkOrCreate(root: TrieNode, path: string): TrieNode {
    const segments = splitSegments(path);
    let node = root;
    for (let i = 0; i < segments.length; i++) node = node.child(unchecked(segments[i]));
    return node;
  }

  /** Appends the ranks of every policy matching the request to `out` (host trie, then wildcard). */
  match(ctx: RequestContext, out: RouteMatches): void {
    out.count = 0;
    const segmentCount = countSegments(ctx.rawPath, ctx.pathEnd);
    const host = ctx.host;
    if (host.length > 0 && this.hostTries.has(host)) {
      matchTrie(this.hostTries.get(host), ctx, segmentCount, out);
    }
    matchTrie(this.wildcard, ctx, segmentCount, out);
  }
}

function countSegments(path: string, end: i32): i32 {
  let count = 0;
  let inSegment = false;
  for (let i = 0; i < end; i++) {
    const slash = u32(path.charCodeAt(i)) == CHAR_SLASH;
    if (!slash && !inSegment) count++;
    inSegment = !slash;
  }
  return count;
}

function matchTrie(root: TrieNode, ctx: RequestContext, segmentCount: i32, out: RouteMatches): void {
  const path = ctx.rawPath;
  const end = ctx.pathEnd;
  const method = ctx.method;
  let node: TrieNode = root;
  let depth = 0;
  let i = 0;
  while (true) {
    // Prefix entries at depth k need at least k+1 segments; the root prefix "/" matches everything.
    if (depth == 0 || segmentCount >= depth + 1) collectPrefix(node, method, out);
    if (depth == segmentCount) {
      collectExact(node, ctx, method, out);
      return;
    }
    // Next segment.
    while (i < end && u32(path.charCodeAt(i)) == CHAR_SLASH) i++;
    let j = i;
    while (j < end && u32(path.charCodeAt(j)) != CHAR_SLASH) j++;
    const next = node.findChild(path, i, j);
    if (next === null) return;
    node = next;
    depth++;
    i = j;
  }
}

function collectPrefix(node: TrieNode, method: string, out: RouteMatches): void {
  const entries = node.prefix;
  for (let k = 0, n = entries.length; k < n; k++) {
    const e = unchecked(entries[k]);
    if (e.allowsMethod(method)) out.push(e.rank);
  }
}

function collectExact(node: TrieNode, ctx: RequestContext, method: string, out: RouteMatches): void {
  const entries = node.exact;
  for (let k = 0, n = entries.length; k < n; k++) {
    const e = unchecked(entries[k]);
    if (ctx.pathEquals(e.exactPath) && e.allowsMethod(method)) out.push(e.rank);
  }
}
