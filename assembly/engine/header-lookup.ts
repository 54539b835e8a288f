// Case-insensitive header lookup with `-` and `_` interchangeable (spec 5.2, project decision 8). The
// RequestView matches one lower-case name exactly, so each configured name is compiled once into up to
// three spellings: as written (lower-cased), all hyphens, all underscores. A mixed spelling on the wire
// (`x_api-key` for `x-api-key`) is not found; HTTP/2 and nginx never produce one.

import { asciiLowerString } from "./host-name";
import { RequestView } from "./request-view";

@final
export class HeaderName {
  /** Up to three spellings; unused slots are "". */
  first: string;
  second: string = "";
  third: string = "";

  constructor(name: string) {
    const lower = asciiLowerString(name);
    this.first = lower;
    const hyphens = lower.replaceAll("_", "-");
    const underscores = lower.replaceAll("-", "_");
    if (hyphens != lower) this.second = hyphens;
    if (underscores != lower && underscores != hyphens) this.third = underscores;
  }

  /** First value of the header under any spelling, or null. An empty value is returned as "". */
  lookup(req: RequestView): string | null {
    const a = req.header(this.first);
    if (a !== null) return a;
    if (this.second.length > 0) {
      const b = req.header(this.second);
      if (b !== null) return b;
    }
    if (this.third.length > 0) {
      const c = req.header(this.third);
      if (c !== null) return c;
    }
    return null;
  }
}

