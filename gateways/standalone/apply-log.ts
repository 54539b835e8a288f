// What applying a bundle logs, the same for every source (file, URL, admin push); `where` names the source
// (`file`, `url` or `source: "admin"`) and what triggered it. Event names are the original's (spec 2.7):
//   standalone_policy_reloaded   info   a bundle was applied
//   standalone_policy_dropped    error  one invalid policy left out of an applied bundle (spec 2.2)
//   standalone_reload_failed     error  refused; `err` holds the wasm's load_report error or the signature error
//                                warn   err=version_not_monotonic on an automatic update that does not move forward
//   standalone_policy_unchanged  debug  identical text
import type { ApplyOutcome } from "./bundle-applier.js";
import type { LogFields, Logger } from "./log.js";

export function logApplyOutcome(log: Logger, outcome: ApplyOutcome, where: LogFields): void {
  switch (outcome.result) {
    case "applied": {
      const { version, hash, report } = outcome.bundle;
      for (const err of report.errors) log.log("error", "standalone_policy_dropped", { err, ...where });
      log.log("info", "standalone_policy_reloaded", {
        version,
        hash,
        policies: report.policies,
        rules: report.rules,
        dropped: report.errors.length,
        ...where,
      });
      return;
    }
    case "refused":
      log.log("error", "standalone_reload_failed", { err: outcome.error, ...where });
      return;
    case "version_not_monotonic":
      log.log("warn", "standalone_reload_failed", {
        err: "version_not_monotonic",
        version: outcome.version,
        current_version: outcome.currentVersion,
        ...where,
      });
      return;
    case "unchanged":
      log.log("debug", "standalone_policy_unchanged", { version: outcome.version, ...where });
      return;
  }
}
