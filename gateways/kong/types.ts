// The parts of Kong's JavaScript PDK this plugin calls, declared locally (STYLE.md `gateways/<adapter>`:
// types.ts holds the platform's shapes). Every call is one msgpack RPC round trip to Kong; the value shapes
// are the ones Kong sends (research/gateways.md 2b, "Value shaping by Kong": header maps always carry array
// values, nil arrives as null).

/** `kong.request.getHeaders()`: lower-case names, every value an array (a bare flag is []). */
export type KongHeaderMap = Record<string, string[] | string>;

export interface KongPdk {
  request: {
    getMethod(): Promise<string>;
    getPathWithQuery(): Promise<string>;
    getHost(): Promise<string>;
    getHeaders(max?: number): Promise<KongHeaderMap>;
  };
  client: {
    getIp(): Promise<string>;
  };
  response: {
    /** Does not return: Kong ends the phase (research 2b, NON_RETURN_METHODS). */
    exit(status: number, body?: string, headers?: Record<string, string>): Promise<void>;
    setHeaders(headers: Record<string, string>): Promise<void>;
  };
}

/**
 * The plugin config as StartInstance delivers it: the fields of `Schema` (null when unset), plus the keys
 * Kong adds (`route_id`, `service_id`, `consumer_id`, `plugin_instance_name`, `__plugin_id`, `__ws_id`,
 * `__key__`, `__seq__`; research 2b, plugins_iterator.lua get_plugin_config).
 */
export interface FairvisorKongConfig {
  bundle?: string | null;
  bundle_path?: string | null;
  trusted_proxies?: string[] | null;
  /** Counter namespace (Envoy's vm_id); default "fairvisor", shared with `fairvisor serve`. */
  vm_id?: string | null;
  __plugin_id?: string | null;
  [key: string]: unknown;
}
