// The `fairvisor` command line: init, validate, test, serve, status, logs, connect, version, help.
export { main } from "./main.js";
export { processIo, type CliIo } from "./io.js";
export { resolveWasmPath, loadWasmModule } from "./wasm-module.js";
