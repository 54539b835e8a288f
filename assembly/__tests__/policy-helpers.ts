// Shared by the policy-*.spec.ts files: build small bundles around the piece under test and return
// the one message it produces, so each case is one line.
import { Bundle, loadBundle, LoadResult, Policy, Rule } from "../policy";

/** 2026-06-01T00:00:00Z. */
export const NOW: i64 = 1780272000;

export function bundleText(policies: string, extraTop: string = ""): string {
  return "{\"bundle_version\": 1, \"policies\": [" + policies + "]" + extraTop + "}";
}

export function load(text: string): LoadResult {
  return loadBundle(text, NOW);
}

/** The fatal error of a bundle text ("" when it loads). */
export function fatalOf(text: string): string {
  return load(text).fatalError;
}

/** The fatal error of a bundle with no policies and these extra top-level members (", \"x\": ..."). */
export function topFatalOf(extraTop: string): string {
  return fatalOf(bundleText("", extraTop));
}

/** The only message a one-policy bundle produces: a dropped-policy message, or "FATAL: ..." / "". */
export function policyErrorOf(policy: string): string {
  const r = load(bundleText(policy));
  if (r.bundle === null) return "FATAL: " + r.fatalError;
  if (r.policyErrors.length == 0) return "";
  return r.policyErrors[0];
}

/** A policy "p1" (prefix /api/) with these spec members added (", \"mode\": ..."). */
export function policyWithSpec(specMembers: string, rules: string = ""): string {
  return "{\"id\": \"p1\", \"spec\": {\"selector\": {\"pathPrefix\": \"/api/\"}, \"rules\": [" + rules + "]" + specMembers + "}}";
}

export const TB_RULE = "{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"token_bucket\", \"algorithm_config\": {\"tokens_per_second\": 1, \"burst\": 2}}";

export function ruleErrorOf(rule: string): string {
  return policyErrorOf(policyWithSpec("", rule));
}

/** A rule "r1" with `limit_keys: []` and this algorithm and config. */
export function algoErrorOf(algorithm: string, config: string): string {
  return ruleErrorOf("{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"" + algorithm + "\", \"algorithm_config\": " + config + "}");
}

/** The compiled bundle, or an empty one when refused (specs then fail on their field checks). */
export function bundleOf(text: string): Bundle {
  const b = load(text).bundle;
  return b === null ? new Bundle() : b;
}

/** The first compiled policy of a one-policy bundle, or an empty Policy. */
export function policyOf(policy: string): Policy {
  const b = bundleOf(bundleText(policy));
  return b.policies.length == 0 ? new Policy() : b.policies[0];
}

/** The first rule of policy "p1" made of this rule. */
export function ruleOf(rule: string): Rule {
  const p = policyOf(policyWithSpec("", rule));
  return p.rules.length == 0 ? new Rule() : p.rules[0];
}
