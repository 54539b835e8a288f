// Kong access phase → the wasm's decision → Kong (research/gateways.md 2b). The request is read with five
// PDK calls (one RPC round trip each); a reject ends the request with kong.response.exit, which never returns
// to us; an allow puts the RateLimit headers on the client response with kong.response.setHeaders, which
// Kong's PDK allows in the access phase. The JS plugin server has no header_filter phase, and a `response`
// handler would make Kong buffer the whole upstream response (plugins_iterator.lua sets buffered_proxying),
// which breaks SSE streaming, so this plugin implements `access` only.
import type { HeaderList } from "../host/types.js";
import type { DecisionAnswer, DecisionInput } from "../standalone/types.js";
import type { KongHeaderMap, KongPdk } from "./types.js";

/** Kong's header map (array values) as an ordered header list. */
export function headerList(map: KongHeaderMap | null): HeaderList {
  const out: HeaderList = [];
  if (!map) return out;
  for (const [name, value] of Object.entries(map)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) out.push([name.toLowerCase(), String(v)]);
  }
  return out;
}

export async function requestFromPdk(kong: KongPdk): Promise<DecisionInput> {
  const method = await kong.request.getMethod();
  const uri = await kong.request.getPathWithQuery();
  const authority = await kong.request.getHost();
  const headers = headerList(await kong.request.getHeaders());
  // The connection peer, bare (no port), as ngx_wasm_module's source.address on Kong (research 2a).
  // X-Forwarded-For counts only from the plugin's trusted_proxies (project decision 13), checked by the wasm.
  const ip = await kong.client.getIp();
  return { method, uri, authority, headers: headers.filter(([n]) => n !== "host"), sourceAddress: ip ?? "" };
}

function headerRecord(list: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of list) out[name] = name in out ? `${out[name]}, ${value}` : value;
  return out;
}

/** Carries the decision out through the PDK. Resolves once Kong has been told. */
export async function applyDecision(kong: KongPdk, answer: DecisionAnswer): Promise<void> {
  const headers = headerRecord(answer.headers);
  if (answer.status !== 200) {
    await kong.response.exit(answer.status, Buffer.from(answer.body).toString("utf8"), headers);
    return;
  }
  // The Decider shows the filter a stand-in JSON response (standalone/decider.ts ALLOW_RESPONSE); its
  // Content-Type describes that stand-in, not the upstream's response, so it must not reach the client.
  for (const name of Object.keys(headers)) if (name.toLowerCase() === "content-type") delete headers[name];
  if (Object.keys(headers).length > 0) await kong.response.setHeaders(headers);
}
