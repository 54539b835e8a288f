// Facts about the active bundle that label metrics, read from its JSON text once per applied bundle (never
// on the request path). Metric labels must stay bounded (project decision 15): a decision's `route` is the
// selector of the policy that decided (pathExact or pathPrefix text, as written in the bundle), never the
// request's own path; an id the bundle does not have becomes "none".

export interface BundleFacts {
  /** policy id → selector text. */
  routes: Map<string, string>;
  globalShadow: boolean;
  killSwitchOverride: boolean;
}

export const NO_ROUTE = "none";

export function bundleFacts(text: string): BundleFacts {
  const facts: BundleFacts = { routes: new Map(), globalShadow: false, killSwitchOverride: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripSignature(text));
  } catch {
    return facts;
  }
  const root = asObject(parsed);
  if (!root) return facts;
  facts.globalShadow = asObject(root.global_shadow)?.enabled === true;
  facts.killSwitchOverride = asObject(root.kill_switch_override)?.enabled === true;
  const policies = Array.isArray(root.policies) ? root.policies : [];
  for (const p of policies) {
    const policy = asObject(p);
    if (!policy || typeof policy.id !== "string") continue;
    const selector = asObject(asObject(policy.spec)?.selector);
    const exact = selector?.pathExact;
    const prefix = selector?.pathPrefix;
    const route = typeof exact === "string" ? exact : typeof prefix === "string" ? prefix : NO_ROUTE;
    facts.routes.set(policy.id, route);
  }
  return facts;
}

export function routeOf(facts: BundleFacts | null, policy: string): string {
  return (policy && facts?.routes.get(policy)) || NO_ROUTE;
}

/** A signed bundle (`<signature>\n<payload>`, spec 2.6) is labelled by its payload. */
function stripSignature(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) return text;
  const nl = text.indexOf("\n");
  return nl < 0 ? text : text.slice(nl + 1);
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
