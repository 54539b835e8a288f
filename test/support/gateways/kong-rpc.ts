// Kong's side of the plugin-server RPC (MsgPack:1), as research/gateways.md 2b describes it from Kong's
// kong/runloop/plugin_servers/rpc/mp_rpc.lua and verified against the real kong-js-pluginserver:
// - one msgpack frame per connection: connect, write [0, msgid, "plugin.<Method>", [args]], read one
//   [1, msgid, error, result], close (no pipelining);
// - StartInstance({Name, Config}) with Config = cjson.encode(plugin config + Kong's extra keys);
// - HandleEvent({InstanceId, EventName}) → {EventId, Data}; Data "ret" ends the phase, otherwise it is a PDK
//   call {Method, Args} that Kong runs and answers with Step (StepMultiMap for header/query maps);
// - kong.response.exit / kong.response.error end the request: Kong sends nothing more for that event;
// - an error containing "no plugin instance" (any case) makes Kong start the instance again and retry.
import { connect } from "node:net";
import { decode, encode } from "@msgpack/msgpack";

let nextMsgId = 1;

export class RpcError extends Error {}

/** One RPC call on a fresh connection. */
export function rpc(socket: string, method: string, args: unknown[]): Promise<unknown> {
  const msgid = nextMsgId++;
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    const chunks: Buffer[] = [];
    conn.on("error", reject);
    conn.on("connect", () => conn.write(encode([0, msgid, method, args])));
    conn.on("data", (chunk) => {
      chunks.push(chunk);
      let reply: unknown;
      try {
        reply = decode(Buffer.concat(chunks));
      } catch (err) {
        if ((err as Error).message.includes("Insufficient data")) return; // wait for the rest of the frame
        conn.destroy();
        reject(err);
        return;
      }
      conn.end();
      const [kind, id, error, result] = reply as [number, number, string | null, unknown];
      if (kind !== 1 || id !== msgid) reject(new Error(`unexpected reply ${JSON.stringify(reply)}`));
      else if (error !== null && error !== undefined) reject(new RpcError(String(error)));
      else resolve(result);
    });
  });
}

/** lua-cjson escapes "/" by default, so Kong's Config text looks like this. */
export function cjsonEncode(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, "\\/");
}

/** The keys plugins_iterator.lua get_plugin_config adds to a plugin's config before StartInstance. */
export function kongPluginConfig(config: Record<string, unknown>, pluginId: string, routeId: string): Record<string, unknown> {
  return {
    ...config,
    route_id: routeId,
    service_id: null,
    consumer_id: null,
    plugin_instance_name: null,
    __plugin_id: pluginId,
    __ws_id: "00000000-0000-4000-8000-000000000000",
    __key__: `plugins:fairvisor:${routeId}::::${pluginId}`,
    __seq__: 0,
  };
}

/** A client request as Kong's PDK reports it. */
export interface ScriptedRequest {
  method: string;
  pathWithQuery: string;
  host: string;
  /** kong.request.get_headers: lower-case names, array values (must_fix shape). */
  headers: Record<string, string[]>;
  ip: string;
}

export interface PdkCall {
  method: string;
  args: unknown[];
}

export interface EventRun {
  calls: PdkCall[];
  /** Set when the phase ended with kong.response.exit. */
  exit: { status: number; body: string; headers: Record<string, string> } | null;
}

/** Which Step Kong sends for a PDK method's result (mp_rpc.lua; the JS server maps all to Step). */
function stepFor(method: string): string {
  if (["kong.request.get_headers", "kong.request.get_query", "kong.response.get_headers", "kong.service.response.get_headers"].includes(method)) {
    return "plugin.StepMultiMap";
  }
  return "plugin.Step";
}

/** Kong's answer for each PDK call the plugin may make; anything else fails the run. */
function answer(call: PdkCall, req: ScriptedRequest): unknown {
  switch (call.method) {
    case "kong.request.get_method":
      return req.method;
    case "kong.request.get_path_with_query":
      return req.pathWithQuery;
    case "kong.request.get_host":
      return req.host;
    case "kong.request.get_headers":
      return req.headers;
    case "kong.client.get_ip":
      return req.ip;
    case "kong.response.set_headers":
      return null; // returns nothing in Lua: msgpack nil
    default:
      throw new Error(`unexpected PDK call ${call.method} ${JSON.stringify(call.args)}`);
  }
}

export class KongEmulator {
  private instances = new Map<string, number>();

  constructor(
    private readonly socket: string,
    private readonly name: string,
  ) {}

  async startInstance(config: Record<string, unknown>): Promise<{ Id: number; Config: Record<string, unknown> }> {
    const started = (await rpc(this.socket, "plugin.StartInstance", [{ Name: this.name, Config: cjsonEncode(config) }])) as {
      Id: number;
      Config: Record<string, unknown>;
    };
    this.instances.set(cjsonEncode(config), started.Id);
    return started;
  }

  /** Runs one phase for the instance of `config`, restarting it on "no plugin instance" (mp_rpc handle_event). */
  async handleEvent(config: Record<string, unknown>, event: string, req: ScriptedRequest): Promise<EventRun & { restarted: boolean }> {
    const key = cjsonEncode(config);
    let id = this.instances.get(key) ?? (await this.startInstance(config)).Id;
    let reply: { EventId: number; Data: unknown };
    let restarted = false;
    try {
      reply = (await rpc(this.socket, "plugin.HandleEvent", [{ InstanceId: id, EventName: event }])) as typeof reply;
    } catch (err) {
      if (!(err instanceof RpcError) || !/no plugin instance/i.test(err.message)) throw err;
      restarted = true;
      id = (await this.startInstance(config)).Id;
      reply = (await rpc(this.socket, "plugin.HandleEvent", [{ InstanceId: id, EventName: event }])) as typeof reply;
    }
    const run: EventRun = { calls: [], exit: null };
    for (;;) {
      if (reply.Data === "ret") return { ...run, restarted };
      const { Method, Args } = reply.Data as { Method: string; Args: unknown[] };
      const call = { method: Method, args: Args };
      run.calls.push(call);
      if (Method === "kong.response.exit" || Method === "kong.response.error") {
        const [status, body, headers] = Args as [number, string, Record<string, string>];
        run.exit = { status, body, headers };
        return { ...run, restarted }; // ngx.exit: Kong never steps this event again
      }
      reply = (await rpc(this.socket, stepFor(Method), [{ EventId: reply.EventId, Data: answer(call, req) }])) as typeof reply;
    }
  }

  closeInstance(config: Record<string, unknown>): Promise<unknown> {
    const id = this.instances.get(cjsonEncode(config));
    return rpc(this.socket, "plugin.CloseInstance", [id]);
  }
}
