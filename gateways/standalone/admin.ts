// The admin API (project decision 12, "an authenticated admin push"):
//   PUT /v1/admin/bundle   body = bundle text → 200 with the load report, 400 with the loader's errors
//   GET /v1/admin/bundle   → version, hash, loaded_at, last_error
// Behind `Authorization: Bearer <FAIRVISOR_ADMIN_TOKEN>` compared in constant time. Without the variable
// the whole API does not exist (404, nothing changes); a wrong or missing token is 401. A push is applied
// like SIGHUP (any valid version, so an operator can roll back) and must be signed when
// FAIRVISOR_BUNDLE_SIGNING_KEY is set. A refused push leaves the enforcing bundle untouched.
import { json, methodNotAllowed } from "./answers.js";
import { logApplyOutcome } from "./apply-log.js";
import type { BundleApplier } from "./bundle-applier.js";
import { equalConstantTime } from "./debug-session.js";
import type { Logger } from "./log.js";
import type { DecisionAnswer, DecisionRequest } from "./types.js";

export const ADMIN_PREFIX = "/v1/admin/";

export interface AdminDeps {
  token: string | undefined;
  applier: BundleApplier;
  log: Logger;
  signingKey?: string;
}

export class AdminApi {
  private lastError: string | null = null;

  constructor(private readonly deps: AdminDeps) {
    // Any source's refusal is the last error an operator wants to see, not only a push's.
    deps.applier.onApply((o) => {
      if (o.result === "refused") this.lastError = o.error;
      else if (o.result === "applied") this.lastError = null;
    });
  }

  /** null when the path is not part of the admin API. */
  handle(req: DecisionRequest, path: string, body: Uint8Array): DecisionAnswer {
    const { token } = this.deps;
    if (!token) return json(404, { error: "not_found" });
    if (!this.authorized(req)) return json(401, { error: "unauthorized" }, [["WWW-Authenticate", 'Bearer realm="fairvisor-admin"']]);
    if (path !== ADMIN_PREFIX + "bundle") return json(404, { error: "not_found" });
    if (req.method === "GET") return this.show();
    if (req.method === "PUT") return this.push(Buffer.from(body).toString("utf8"));
    return methodNotAllowed("GET, PUT");
  }

  private authorized(req: DecisionRequest): boolean {
    const header = req.headers.find(([k]) => k === "authorization")?.[1] ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return equalConstantTime(m ? m[1] : "", this.deps.token ?? "");
  }

  private show(): DecisionAnswer {
    const active = this.deps.applier.active;
    return json(200, {
      version: active?.version ?? null,
      hash: active?.hash ?? null,
      loaded_at: active ? new Date(active.loadedAt).toISOString() : null,
      last_error: this.lastError,
    });
  }

  private push(text: string): DecisionAnswer {
    const outcome = this.deps.applier.apply(text, { requireNewerVersion: false, signingKey: this.deps.signingKey });
    logApplyOutcome(this.deps.log, outcome, { source: "admin" });
    switch (outcome.result) {
      case "applied": {
        const { version, hash, report } = outcome.bundle;
        return json(200, { result: "applied", version, hash, policies: report.policies, rules: report.rules, errors: report.errors });
      }
      case "unchanged":
        return json(200, { result: "unchanged", version: outcome.version });
      case "refused":
        return json(400, { result: "refused", error: outcome.error, errors: outcome.report.errors });
      case "version_not_monotonic":
        // Not reachable with requireNewerVersion false; kept so every outcome has an answer.
        return json(409, { result: "version_not_monotonic", version: outcome.version, current_version: outcome.currentVersion });
    }
  }
}
