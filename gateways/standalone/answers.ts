// The answers the service gives by itself, without the filter: health, routing errors and the two 503s.
// X-Fairvisor-Reason is on every 503 (project decision 1; reasons from spec 9.6).
import type { HeaderList } from "../host/types.js";
import type { DecisionAnswer } from "./types.js";

const encoder = new TextEncoder();

function text(status: number, body: string, extra: HeaderList = []): DecisionAnswer {
  return { status, headers: [["Content-Type", "text/plain; charset=utf-8"], ...extra], body: encoder.encode(body) };
}

export function json(status: number, value: unknown, extra: HeaderList = []): DecisionAnswer {
  return { status, headers: [["Content-Type", "application/json"], ...extra], body: encoder.encode(JSON.stringify(value)) };
}

/** Unknown paths, including the removed legacy alias POST /decision (spec section 4). */
export const notFound = (): DecisionAnswer => text(404, "not found\n");

export const methodNotAllowed = (allow: string): DecisionAnswer =>
  text(405, "method not allowed\n", [["Allow", allow]]);

export const noBundleLoaded = (): DecisionAnswer =>
  json(503, { error: "no_bundle_loaded" }, [["X-Fairvisor-Reason", "no_bundle_loaded"]]);

export const serviceUnavailable = (): DecisionAnswer =>
  json(503, { error: "service_unavailable" }, [["X-Fairvisor-Reason", "service_unavailable"]]);
