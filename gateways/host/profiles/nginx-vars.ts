// nginx variables as the nginx-based hosts expose them to properties: APISIX looks every property path up
// as a variable name (api7/wasm-nginx-module src/http/ngx_http_wasm_api.c; research/gateways.md section 3),
// Kong under "ngx.<name>" (Kong/ngx_wasm_module src/common/proxy_wasm/ngx_proxy_wasm_properties.c, 2a).
// Values are strings, as nginx variables are.
import type { Context } from "../context.js";
import { header, splitAddress, visibleRequestHeaders } from "./request-facts.js";

export function nginxVariable(name: string, ctx: Context): string | undefined {
  const extra = ctx.info?.properties?.[name];
  if (extra !== undefined && Object.hasOwn(ctx.info!.properties!, name)) {
    return typeof extra === "string" ? extra : Buffer.from(extra).toString("utf8");
  }
  const set = ctx.filterState?.get(name);
  if (set !== undefined) return Buffer.from(set).toString("utf8");
  switch (name) {
    case "remote_addr":
      return ctx.info?.sourceAddress === undefined ? undefined : splitAddress(ctx.info.sourceAddress)[0];
    case "remote_port":
      return ctx.info?.sourceAddress === undefined ? undefined : splitAddress(ctx.info.sourceAddress)[1];
    case "server_addr":
      return ctx.info?.destinationAddress === undefined ? undefined : splitAddress(ctx.info.destinationAddress)[0];
    case "server_port":
      return ctx.info?.destinationAddress === undefined ? undefined : splitAddress(ctx.info.destinationAddress)[1];
  }
  const headers = visibleRequestHeaders(ctx);
  if (headers === null) return undefined;
  const path = header(headers, ":path");
  const q = path === undefined ? -1 : path.indexOf("?");
  switch (name) {
    case "request_uri":
      return path;
    case "uri":
      return path === undefined ? undefined : q < 0 ? path : path.slice(0, q);
    case "args":
      return path === undefined ? undefined : q < 0 ? "" : path.slice(q + 1);
    case "request_method":
      return header(headers, ":method");
    case "scheme":
      return header(headers, ":scheme");
    case "host": {
      const host = header(headers, ":authority") ?? header(headers, "host");
      return host === undefined ? undefined : splitAddress(host.toLowerCase())[0];
    }
  }
  // $http_<name>: request header, "-" written as "_".
  if (name.startsWith("http_")) {
    const wanted = name.slice(5).toLowerCase();
    for (const [k, v] of headers) if (k.replace(/-/g, "_") === wanted) return v;
  }
  return undefined;
}
