// The wasi_snapshot_preview1 functions a proxy-wasm module may import (proxy-wasm/spec v0.2.1; behaviour
// from proxy-wasm-cpp-host src/exports.cc):
//   - fd_write: stdout → info, stderr → error, one trailing newline removed; other fds BADF;
//   - proc_exit: cpp-host only logs it, but AssemblyScript's abort (wasi-shim wasi_abort) calls it after
//     printing the message and expects never to return, so we end the guest call there: a trap;
//   - clock_time_get: realtime and monotonic both read the host clock (so ManualClock drives both);
//   - random_get: at most 64 KiB per call (cpp-host PROXY_WASM_HOST_WASI_RANDOM_GET_MAX_SIZE_BYTES);
//   - no environment variables and no arguments; fd_close/fd_seek succeed and do nothing; fd_fdstat_get
//     answers for stdout/stderr only.
import { randomFillSync } from "node:crypto";
import { ProcExit } from "../errors.js";
import type { AbiHost } from "./abi-host.js";
import { LogLevelNumber, WasiErrno } from "./enums.js";

const RANDOM_GET_MAX = 64 * 1024;

export function wasiImports(h: AbiHost) {
  const mem = h.mem;
  return {
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
      let level: number;
      if (fd === 1) level = LogLevelNumber.Info;
      else if (fd === 2) level = LogLevelNumber.Error;
      else return WasiErrno.Badf;
      let s = "";
      let written = 0;
      for (let i = 0; i < iovsLen >>> 0; i++) {
        const buf = mem.getU32(iovs + i * 8);
        const len = mem.getU32(iovs + i * 8 + 4);
        if (buf === null || len === null) return WasiErrno.Fault;
        if (len === 0) continue;
        const part = mem.string(buf, len);
        if (part === null) return WasiErrno.Fault;
        s += part;
        written += len;
      }
      if (written > 0 && level >= h.runtime.logLevel) h.log(level, s.endsWith("\n") ? s.slice(0, -1) : s);
      return mem.setU32(nwrittenPtr, written) ? WasiErrno.Success : WasiErrno.Fault;
    },
    fd_close(): number {
      return WasiErrno.Success;
    },
    fd_seek(): number {
      return WasiErrno.Success;
    },
    fd_read(): number {
      return WasiErrno.Nosys;
    },
    fd_fdstat_get(fd: number, statPtr: number): number {
      if (fd !== 1 && fd !== 2) return WasiErrno.Badf;
      // 24-byte fdstat, zero except fs_rights_base = FD_WRITE (64), as cpp-host writes it.
      if (!mem.setU64(statPtr, 0n) || !mem.setU64(statPtr + 8, 64n) || !mem.setU64(statPtr + 16, 0n)) return WasiErrno.Fault;
      return WasiErrno.Success;
    },
    fd_prestat_get(): number {
      return WasiErrno.Badf;
    },
    fd_prestat_dir_name(): number {
      return WasiErrno.Nosys;
    },
    path_open(): number {
      return WasiErrno.Noent;
    },
    proc_exit(code: number): never {
      throw new ProcExit(code >>> 0);
    },
    clock_time_get(clockId: number, _precision: bigint, timePtr: number): number {
      if (clockId !== 0 && clockId !== 1) return WasiErrno.Notsup;
      return mem.setU64(timePtr, h.runtime.clock.nowNanos()) ? WasiErrno.Success : WasiErrno.Fault;
    },
    random_get(bufPtr: number, bufLen: number): number {
      bufLen >>>= 0;
      if (bufLen > RANDOM_GET_MAX) return WasiErrno.Inval;
      if (bufLen === 0) return WasiErrno.Success;
      const view = mem.view(bufPtr, bufLen);
      if (view === null) return WasiErrno.Fault;
      randomFillSync(view);
      return WasiErrno.Success;
    },
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      return mem.setU32(countPtr, 0) && mem.setU32(sizePtr, 0) ? WasiErrno.Success : WasiErrno.Fault;
    },
    environ_get(): number {
      return WasiErrno.Success;
    },
    args_sizes_get(argcPtr: number, sizePtr: number): number {
      return mem.setU32(argcPtr, 0) && mem.setU32(sizePtr, 0) ? WasiErrno.Success : WasiErrno.Fault;
    },
    args_get(): number {
      return WasiErrno.Success;
    },
  };
}
