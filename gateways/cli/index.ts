// The `fairvisor` command line: validate, serve, version, help.
export { main } from "./main.js";
export { processIo, type CliIo } from "./io.js";
export { resolveWasmPath, loadWasmModule } from "./wasm-module.js";
