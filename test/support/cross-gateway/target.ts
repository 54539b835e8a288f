// A cross-gateway target: something that takes a client request and answers the way its platform does.
// Each factory in targets/ builds one, and the outcome is read off the platform's own answer.
import type { HeaderList } from "../../../gateways/host/types.js";
import type { CrossRequest, Outcome } from "./scenario.js";

export interface SendOptions {
  /** Which VM should take the request, for targets that can address their VMs. */
  vm?: number;
}

export interface Target {
  readonly name: string;
  send(req: CrossRequest, opts?: SendOptions): Promise<Outcome>;
  close(): Promise<void>;
}

export type TargetFactory = () => Promise<Target>;

const verdictOf = (status: number): Outcome["verdict"] => (status === 200 || status === 201 ? "allow" : status === 429 ? "reject" : "unavailable");

/** An HTTP answer the client receives (headers with any name case). */
export function outcomeFromHttp(status: number, headers: HeaderList | Record<string, string>): Outcome {
  const list: HeaderList = Array.isArray(headers) ? headers : Object.entries(headers);
  const get = (name: string) => list.find(([k]) => k.toLowerCase() === name)?.[1];
  const verdict = verdictOf(status);
  return clean({
    verdict,
    reason: verdict === "allow" ? undefined : get("x-fairvisor-reason"),
    retryAfter: get("retry-after"),
    rateLimit: get("ratelimit"),
    rateLimitLimit: get("ratelimit-limit"),
    rateLimitRemaining: get("ratelimit-remaining"),
    rateLimitReset: get("ratelimit-reset"),
    retryAfterHeader: get("retry-after") !== undefined,
  });
}

/** Drops undefined and empty values, so "absent" compares equal whatever the platform's way of saying it. */
export function clean(o: Outcome): Outcome {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== "") out[k] = v;
  return out as unknown as Outcome;
}
