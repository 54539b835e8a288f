// `spec.selector` (spec 2.2 for hosts, spec 6 for paths and methods). Only hosts can drop a policy;
// bad paths and methods are kept in a form that makes the route index skip or never match them,
// exactly as the reference's route index does.

import { JsonKind, JsonValue } from "../json";
import { Selector } from "./model";
import { isTable, itemAt, luaLength, member } from "./lua-table";
import { normaliseSelectorHost } from "./hostname";

/** Fills `out` from the selector table; returns "" or the policy message (without the `policy=<id>: ` prefix). */
export function compileSelector(selector: JsonValue, out: Selector): string {
  const hosts = member(selector, "hosts");
  if (hosts !== null) {
    const count = luaLength(hosts);
    if (!isTable(hosts) || count == 0) return "selector.hosts must be a non-empty array of hostnames";
    for (let i = 0; i < count; i++) {
      const entry = itemAt(hosts, i);
      const host = entry.kind == JsonKind.STRING ? normaliseSelectorHost(entry.str) : "";
      if (host.length == 0) return "selector.hosts[" + (i + 1).toString() + "] invalid hostname format";
      out.hosts.push(host);
    }
  }

  const exact = member(selector, "pathExact");
  if (exact !== null && exact.kind == JsonKind.STRING && exact.str.startsWith("/")) out.pathExact = exact.str;

  const prefix = member(selector, "pathPrefix");
  if (prefix !== null && prefix.kind == JsonKind.STRING && prefix.str.startsWith("/")) {
    out.pathPrefix = prefix.str.endsWith("/") ? prefix.str : prefix.str + "/";
  }

  const methods = member(selector, "methods");
  if (methods !== null) {
    const list = new Array<string>();
    if (!isTable(methods)) out.methodsInvalid = true;
    const count = luaLength(methods);
    for (let i = 0; i < count; i++) {
      const entry = itemAt(methods, i);
      if (entry.kind == JsonKind.STRING && entry.str.length > 0) list.push(entry.str);
    }
    out.methods = list;
  }
  return "";
}
