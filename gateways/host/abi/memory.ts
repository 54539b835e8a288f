// Raw access to one guest's linear memory: bounds-checked reads and writes, u32/u64 little-endian, and
// allocation through the guest's own allocator (proxy_on_memory_allocate, else malloc: proxy-wasm/spec
// v0.2.1 "Memory management"). Views are rebuilt only when memory.grow replaced the ArrayBuffer.
// Failures return false/null so each import can answer InvalidMemoryAccess, as cpp-host src/exports.cc does.

export class GuestMemory {
  private memory: WebAssembly.Memory | null = null;
  private ab: ArrayBuffer = new ArrayBuffer(0);
  u8: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(this.ab);
  buf: Buffer = Buffer.alloc(0);
  /** The guest allocator; returns 0 on failure. A trap inside it propagates to the enclosing guest call. */
  private allocator: ((size: number) => number) | null = null;

  attach(memory: WebAssembly.Memory, allocator: ((size: number) => number) | null): void {
    this.memory = memory;
    this.allocator = allocator;
    this.refresh();
  }

  /** Cheap identity check; call before touching the views after anything that may have grown memory. */
  refresh(): void {
    const m = this.memory;
    if (m !== null && m.buffer !== this.ab) {
      this.ab = m.buffer as ArrayBuffer;
      this.u8 = new Uint8Array(this.ab);
      this.dv = new DataView(this.ab);
      this.buf = Buffer.from(this.ab);
    }
  }

  ok(ptr: number, len: number): boolean {
    this.refresh();
    return ptr >= 0 && len >= 0 && ptr + len <= this.u8.length;
  }

  /** A view (not a copy) of guest bytes, or null when out of bounds. Copy before the guest runs again. */
  view(ptr: number, len: number): Uint8Array | null {
    ptr >>>= 0;
    len >>>= 0;
    if (!this.ok(ptr, len)) return null;
    return this.u8.subarray(ptr, ptr + len);
  }

  copy(ptr: number, len: number): Uint8Array | null {
    const v = this.view(ptr, len);
    return v === null ? null : v.slice();
  }

  string(ptr: number, len: number): string | null {
    ptr >>>= 0;
    len >>>= 0;
    if (!this.ok(ptr, len)) return null;
    return this.buf.toString("utf8", ptr, ptr + len);
  }

  setU32(ptr: number, value: number): boolean {
    ptr >>>= 0;
    if (!this.ok(ptr, 4)) return false;
    this.dv.setUint32(ptr, value >>> 0, true);
    return true;
  }

  getU32(ptr: number): number | null {
    ptr >>>= 0;
    if (!this.ok(ptr, 4)) return null;
    return this.dv.getUint32(ptr, true);
  }

  setU64(ptr: number, value: bigint): boolean {
    ptr >>>= 0;
    if (!this.ok(ptr, 8)) return false;
    this.dv.setBigUint64(ptr, BigInt.asUintN(64, value), true);
    return true;
  }

  write(ptr: number, bytes: Uint8Array): boolean {
    ptr >>>= 0;
    if (!this.ok(ptr, bytes.length)) return false;
    this.u8.set(bytes, ptr);
    return true;
  }

  /** Allocates `size` bytes in the guest; 0 when there is no allocator or it failed (cpp-host allocMemory). */
  allocate(size: number): number {
    if (this.allocator === null) return 0;
    const p = this.allocator(size) >>> 0;
    this.refresh();
    if (p === 0 || !this.ok(p, size)) return 0;
    return p;
  }

  /**
   * Copies bytes into a fresh guest allocation and stores its pointer and size at ptrPtr/sizePtr. An empty
   * value is reported as pointer 0, size 0 without allocating (cpp-host WasmBase::copyToPointerSize).
   */
  copyOut(bytes: Uint8Array, ptrPtr: number, sizePtr: number): boolean {
    let p = 0;
    if (bytes.length > 0) {
      p = this.allocate(bytes.length);
      if (p === 0) return false;
      this.u8.set(bytes, p);
    }
    return this.setU32(ptrPtr, p) && this.setU32(sizePtr, bytes.length);
  }

  /** Same as copyOut for a string, encoded as UTF-8 straight into guest memory. */
  copyOutString(s: string, ptrPtr: number, sizePtr: number): boolean {
    const n = Buffer.byteLength(s, "utf8");
    let p = 0;
    if (n > 0) {
      p = this.allocate(n);
      if (p === 0) return false;
      this.buf.write(s, p, n, "utf8");
    }
    return this.setU32(ptrPtr, p) && this.setU32(sizePtr, n);
  }
}
