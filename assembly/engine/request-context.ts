// What one evaluation knows about its request beyond the RequestView (spec 3): the raw path and where
// its query starts, the normalised host, and the lazily decoded JWT claims and bot class. One instance
// lives on the Engine and is reset per request (STYLE.md hot path 2), so nothing here allocates unless
// a value is actually needed.

import { classifyUserAgent } from "./bot-classifier";
import { normaliseHost } from "./host-name";
import { JwtClaims } from "./jwt-claims";
import { decodeJwtClaims } from "./jwt";
import { RequestView } from "./request-view";

const QUERY_MARK = "?";

@final
export class RequestContext {
  method: string = "";
  /** `req.path()` verbatim: the jitter identity and (later) the loop fingerprint use it (spec 3). */
  rawPath: string = "";
  /** Length of the path without its query: index of the first `?`, or the whole length. */
  pathEnd: i32 = 0;
  host: string = "";

  private claimsReady: bool = false;
  private claimsPresent: bool = false;
  readonly claims: JwtClaims = new JwtClaims();

  private botReady: bool = false;
  private userAgentPresent: bool = false;
  private botCategory: string = "";

  begin(req: RequestView): void {
    this.method = req.method();
    const raw = req.path();
    this.rawPath = raw;
    const q = raw.indexOf(QUERY_MARK);
    this.pathEnd = q < 0 ? raw.length : q;
    this.host = normaliseHost(req.host());
    this.claimsReady = false;
    this.claimsPresent = false;
    this.botReady = false;
    this.userAgentPresent = false;
    this.botCategory = "";
  }

  /** Index where query parameters start (after `?`), or -1 when the path has no query. */
  get queryStart(): i32 {
    return this.pathEnd < this.rawPath.length ? this.pathEnd + 1 : -1;
  }

  /** Whether the path without query is byte-identical to `exact` (pathExact and kill-switch route). */
  pathEquals(exact: string): bool {
    const n = this.pathEnd;
    if (exact.length != n) return false;
    return memory.compare(changetype<usize>(this.rawPath), changetype<usize>(exact), usize(n) << 1) == 0;
  }

  /** Decoded claims, or null when the request carries none (decoded once per request). */
  jwtClaims(req: RequestView): JwtClaims | null {
    if (!this.claimsReady) {
      this.claimsReady = true;
      const auth = req.header("authorization");
      if (auth !== null) {
        const header = auth;
        this.claimsPresent = decodeJwtClaims(header, this.claims);
      }
    }
    return this.claimsPresent ? this.claims : null;
  }

  /** `ua:bot`: "true"/"false", or null when there is no (or an empty) User-Agent (spec 5.1). */
  uaBot(userAgent: string | null): string | null {
    this.classify(userAgent);
    if (!this.userAgentPresent) return null;
    return this.botCategory.length > 0 ? "true" : "false";
  }

  /** `ua:bot_category`: the category for a bot, null otherwise (spec 5.1). */
  uaBotCategory(userAgent: string | null): string | null {
    this.classify(userAgent);
    if (!this.userAgentPresent || this.botCategory.length == 0) return null;
    return this.botCategory;
  }

  private classify(userAgent: string | null): void {
    if (this.botReady) return;
    this.botReady = true;
    if (userAgent === null) return;
    const ua = userAgent;
    if (ua.length == 0) return;
    this.userAgentPresent = true;
    this.botCategory = classifyUserAgent(ua);
  }
}
