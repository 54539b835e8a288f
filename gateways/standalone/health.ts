// /livez and /readyz with the original's bodies (spec section 4), so probes and `fairvisor status` keep working.
import type { ActiveBundle } from "./bundle-applier.js";
import { json } from "./answers.js";
import type { DecisionAnswer } from "./types.js";

export function livez(): DecisionAnswer {
  return { status: 200, headers: [["Content-Type", "text/plain"]], body: new TextEncoder().encode("ok\n") };
}

/** Ready when a bundle is enforcing and at least one VM is alive. */
export function readyz(active: ActiveBundle | null, vmAlive: boolean): DecisionAnswer {
  if (!active) return json(503, { status: "not_ready", reason: "no_policy_loaded" });
  if (!vmAlive) return json(503, { status: "not_ready", reason: "wasm_failed" });
  return json(200, {
    status: "ready",
    policy_version: active.version,
    policy_hash: active.hash,
    last_config_update: active.loadedAt / 1000,
  });
}
