// Turns the route index's raw matches into evaluation order (spec 6 "Result ordering"): distinct
// ranks, ascending, which is ascending policy id. Scratch arrays are sized once per bundle and a
// request stamp replaces clearing the "seen" marks (STYLE.md hot path 2).

import { RouteMatches } from "./route-index";

@final
export class MatchOrder {
  private ordered: StaticArray<i32>;
  private seen: StaticArray<u32>;
  private stamp: u32 = 0;

  constructor(policyCount: i32) {
    const n = max(policyCount, 1);
    this.ordered = new StaticArray<i32>(n);
    this.seen = new StaticArray<u32>(n);
  }

  /** Collects the distinct ranks of `matches` in ascending order; returns how many. */
  collect(matches: RouteMatches): i32 {
    this.stamp++;
    if (this.stamp == 0) {
      // Wrapped around after 2^32 requests: clear the marks once.
      for (let i = 0; i < this.seen.length; i++) unchecked((this.seen[i] = 0));
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const limit = this.seen.length;
    let count = 0;
    for (let i = 0; i < matches.count; i++) {
      const rank = unchecked(matches.ranks[i]);
      if (rank < 0 || rank >= limit || unchecked(this.seen[rank]) == stamp) continue;
      unchecked((this.seen[rank] = stamp));
      // Insertion sort: a request matches a handful of policies.
      let j = count - 1;
      while (j >= 0 && unchecked(this.ordered[j]) > rank) {
        unchecked((this.ordered[j + 1] = this.ordered[j]));
        j--;
      }
      unchecked((this.ordered[j + 1] = rank));
      count++;
    }
    return count;
  }

  /** The k-th rank of the last collect (k < its count). */
  rankAt(k: i32): i32 {
    return k >= 0 && k < this.ordered.length ? unchecked(this.ordered[k]) : 0;
  }
}
