// Why assembly/filter/exports.ts dispatches contexts itself instead of using @gcoredev/proxy-wasm-sdk-as's
// RootContext/Context classes (SDK 1.2.3). Each item is guarded by a test in test/filter-*.test.ts.
//
// 1. Root context on_done / on_delete trap (DESIGN.md section 3). The SDK's proxy_on_done and proxy_on_delete
//    look the context up with `context_map.get(id)`, but root contexts are never put in that map, so
//    AssemblyScript's Map.get aborts with "Key does not exist". Envoy calls both on the old root context on
//    every reconfiguration, so the VM fails (503 wasm_fail_stream for every request) after the first bundle
//    update. Our exports answer on_done with "done" for any id and delete only ids they know.
//    Test: "reconfigure keeps the VM healthy" (test/filter-reconfigure.test.ts).
// 2. Root id. The SDK keeps a single root context and ignores root_id; Kong passes a numeric root id and APISIX
//    the plugin name (research/gateways.md section 0). We key root state by the id the host passes and never
//    compare plugin_root_id with a name.
// 3. Logging. The SDK's `log` writes through WASI fd_write (a FastEdge work-around) instead of proxy_log, so
//    Envoy would not show our lines in its log. host-calls.ts calls proxy_log directly.
// 4. Status handling. The SDK's wrappers throw on any status other than Ok/NotFound (CHECK_RESULT), e.g. on
//    APISIX's Unimplemented shared data. host-calls.ts returns statuses as values.
// 5. Property paths. The SDK encodes paths as given; Envoy expects "\0" between segments, not dots
//    (DESIGN.md section 3). host-view.ts writes "source\0address".
// 6. get_metric. The SDK's get_metric calls proxy_record_metric (DESIGN.md section 3); we never read metrics
//    back from the module.
export const SDK_WORKAROUNDS: i32 = 6;
