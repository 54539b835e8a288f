// proxy_status_t, the value every env.proxy_* import returns. Numbers from proxy-wasm/spec
// abi-versions/v0.2.1/README.md ("Types") and proxy-wasm-rust-sdk src/types.rs. 5, 9 and 11 are the C++
// host's extra codes (proxy-wasm-cpp-host include/proxy-wasm/wasm_api_impl.h WasmResult); only
// BrokenConnection is observable here, through proxy_get_status after a failed http call.
export const enum WasmResult {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  InternalFailure = 10,
  BrokenConnection = 11,
  Unimplemented = 12,
}
