// build/fairvisor.wasm: the proxy-wasm module (ABI 0.2.1). Entry points live in filter/exports.ts; the
// allocator the host uses to hand us data is the SDK's `malloc` (an ArrayBuffer pinned for the host).
export * from "./filter/exports";
export { malloc } from "@gcoredev/proxy-wasm-sdk-as/assembly/malloc";
