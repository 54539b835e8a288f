// Shared key-value data and shared queues (proxy-wasm/spec v0.2.1 "Shared Key-Value Store", "Shared
// Queues"). Keys live under the VM's vm_id (cpp-host src/context.cc getSharedData uses wasm_->vm_id()); the
// store applies its CAS rule (../shared-data.ts). The profile says whether these exist at all (APISIX:
// Unimplemented) and whether a key is allowed (Kong traps without a matching shm_kv zone).
import type { AbiHost } from "./abi-host.js";
import { HostCallRefused } from "../errors.js";
import { WasmResult } from "./status.js";

export function sharedDataImports(h: AbiHost) {
  const mem = h.mem;
  const rt = h.runtime;
  const profile = rt.profile;
  return {
    proxy_get_shared_data(keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number, casPtr: number): number {
      if (!profile.sharedData) return WasmResult.Unimplemented;
      const key = mem.string(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const refusal = profile.sharedDataRefusal(key);
      if (refusal !== null) throw new HostCallRefused(refusal);
      const entry = rt.store.get(rt.vmId, key);
      if (entry === undefined) return WasmResult.NotFound;
      if (!mem.copyOut(entry.value, valuePtrPtr, valueSizePtr)) return WasmResult.InvalidMemoryAccess;
      return mem.setU32(casPtr, entry.cas) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_shared_data(keyPtr: number, keySize: number, valuePtr: number, valueSize: number, cas: number): number {
      if (!profile.sharedData) return WasmResult.Unimplemented;
      const key = mem.string(keyPtr, keySize);
      // A view into guest memory: stores copy what they keep (InMemorySharedData does).
      const value = mem.view(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const refusal = profile.sharedDataRefusal(key);
      if (refusal !== null) throw new HostCallRefused(refusal);
      return rt.store.set(rt.vmId, key, value, cas >>> 0);
    },
    proxy_register_shared_queue(namePtr: number, nameSize: number, tokenPtr: number): number {
      if (!profile.sharedQueues) return WasmResult.Unimplemented;
      const name = mem.string(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      const root = ctx === null ? null : h.rootOf(ctx);
      if (root === null) return WasmResult.BadArgument;
      const token = rt.queues.register(rt.vmId, name, root.id, (rootId, t) => h.queueReady(rootId, t));
      return mem.setU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_resolve_shared_queue(vmIdPtr: number, vmIdSize: number, namePtr: number, nameSize: number, tokenPtr: number): number {
      if (!profile.sharedQueues) return WasmResult.Unimplemented;
      const vmId = mem.string(vmIdPtr, vmIdSize);
      const name = mem.string(namePtr, nameSize);
      if (vmId === null || name === null) return WasmResult.InvalidMemoryAccess;
      const token = rt.queues.resolve(vmId === "" ? rt.vmId : vmId, name);
      if (token === 0) return WasmResult.NotFound;
      return mem.setU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_enqueue_shared_queue(token: number, dataPtr: number, dataSize: number): number {
      if (!profile.sharedQueues) return WasmResult.Unimplemented;
      const data = mem.view(dataPtr, dataSize);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      return rt.queues.enqueue(token >>> 0, data) ? WasmResult.Ok : WasmResult.NotFound;
    },
    proxy_dequeue_shared_queue(token: number, dataPtrPtr: number, dataSizePtr: number): number {
      if (!profile.sharedQueues) return WasmResult.Unimplemented;
      const item = rt.queues.dequeue(token >>> 0);
      if (item === undefined) return WasmResult.NotFound;
      if (item === null) return WasmResult.Empty;
      return mem.copyOut(item, dataPtrPtr, dataSizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
}
