// Errors the host raises. A guest trap never leaves the host (it fails the worker instead, DESIGN.md §3);
// only misuse of the host API by its caller is thrown.

/** WASI proc_exit. AssemblyScript's abort (wasi-shim wasi_abort) ends with it, so the host treats it as a trap. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`wasi proc_exit(${code})`);
    this.name = "ProcExit";
  }
}

/** A host call the host refuses, e.g. a restricted call during _start (cpp-host wasm.cc startVm). Traps the guest. */
export class HostCallRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostCallRefused";
  }
}

/**
 * Thrown to the caller when it calls into a VM instance that is already executing (Node is single-threaded,
 * so this can only happen from inside a host import, e.g. a SharedDataStore.beforeSet hook). A wasm instance
 * is not re-entrant; calling another worker's instance there is fine.
 */
export class ReentrantCallError extends Error {
  constructor(worker: number) {
    super(`worker ${worker} is already executing guest code; re-entrant calls into the same VM are refused`);
    this.name = "ReentrantCallError";
  }
}
