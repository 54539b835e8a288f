// The artifact's contract with Envoy/Kong/APISIX (DESIGN.md section 3): ABI marker, allocator, start
// function, proxy_on_* entry points; imports only proxy-wasm `env` functions and WASI.
import { describe, expect, it } from "vitest";
import { fairvisorModule } from "./support/fairvisor-host.js";

describe("build/fairvisor.wasm", () => {
  const module = fairvisorModule();
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  const imports = WebAssembly.Module.imports(module);

  it("exports the ABI 0.2.1 marker, malloc and a start function", () => {
    expect(exports).toContain("proxy_abi_version_0_2_1");
    expect(exports).toContain("malloc");
    expect(exports.includes("_start") || exports.includes("_initialize")).toBe(true);
    expect(exports).toContain("memory");
  });

  it("exports every HTTP entry point a host calls", () => {
    for (const name of [
      "proxy_on_vm_start",
      "proxy_on_configure",
      "proxy_on_context_create",
      "proxy_on_request_headers",
      "proxy_on_request_body",
      "proxy_on_request_trailers",
      "proxy_on_response_headers",
      "proxy_on_response_body",
      "proxy_on_response_trailers",
      "proxy_on_done",
      "proxy_on_log",
      "proxy_on_delete",
      "proxy_on_tick",
      "proxy_on_http_call_response",
      "proxy_on_queue_ready",
    ]) {
      expect(exports, name).toContain(name);
    }
  });

  it("imports nothing but proxy-wasm env functions and WASI", () => {
    expect(imports.length).toBeGreaterThan(0);
    for (const imp of imports) {
      const ok =
        (imp.module === "env" && imp.name.startsWith("proxy_") && imp.kind === "function") ||
        imp.module === "wasi_snapshot_preview1";
      expect(ok, `${imp.module}.${imp.name}`).toBe(true);
    }
    // FastEdge-only calls declared by the SDK must not leak into the artifact.
    expect(imports.map((i) => i.name).filter((n) => n.startsWith("proxy_kv_store") || n === "proxy_dictionary_get")).toEqual([]);
  });
});
