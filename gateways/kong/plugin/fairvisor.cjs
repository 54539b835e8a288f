// The file kong-js-pluginserver loads (`--plugins-directory gateways/kong/plugin`). The plugin server
// require()s every file of that directory (kong-pdk 0.6.0 server.js loadPlugins) and reads Name, Version,
// Priority, Schema and the Plugin class's phase methods synchronously (lib/mod.js); this CommonJS shim gives
// it those and loads the compiled ES module (dist/gateways/kong) on the first event.
"use strict";

const path = require("node:path");
const { pathToFileURL } = require("node:url");

const root = path.resolve(__dirname, "..", "..", "..");
const entry = pathToFileURL(path.join(root, "dist", "gateways", "kong", "index.js")).href;
let loaded;
const load = () => (loaded ??= import(entry));

// Said at start-up (stderr: stdout of --dump-all-plugins is parsed by Kong as JSON). With
// FAIRVISOR_REDIS_URL the store is created now (not on the first request) and the ES module logs
// `kong_state_redis` with the target and mode; --dump-all-plugins only describes the plugin, no connection.
if (process.env.FAIRVISOR_REDIS_URL) {
  if (!process.argv.includes("--dump-all-plugins")) load().then((m) => m.processStore()).catch(() => {});
} else {
  process.stderr.write(
    JSON.stringify({
      level: "warn",
      event: "kong_state_per_process",
      msg: "fairvisor counters live in this plugin-server process only: not shared with other Kong nodes, lost on restart",
    }) + "\n",
  );
}

class Plugin {
  constructor(config) {
    this.config = config;
    this.instance = load().then((m) => m.createPlugin(config));
    // Handled here so a failed load cannot crash the server as an unhandled rejection; access rethrows it.
    this.instance.catch(() => {});
  }

  // access only: no `response` handler, which would make Kong buffer responses and break SSE (README).
  async access(kong) {
    const plugin = await this.instance;
    await plugin.access(kong);
  }
}

module.exports = {
  Plugin,
  Name: "fairvisor",
  Version: require(path.join(root, "package.json")).version,
  // After authentication plugins (key-auth 1250, jwt 1450), so Kong has identified the consumer.
  Priority: 905,
  Schema: require("./schema.json"),
};
