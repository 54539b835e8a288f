// A growable byte buffer owned by one stream: the SSE carry (an event split across chunks), the bytes to
// forward after a rewrite, a bounded copy of a JSON response. Bytes stay bytes (STYLE.md hot path 3); the
// buffer is reused for the whole stream, so a chunk costs copies, not allocations.

@final
export class ByteBuffer {
  private data: ArrayBuffer;
  private used: i32 = 0;

  constructor(capacity: i32 = 256) {
    this.data = new ArrayBuffer(max(capacity, 16));
  }

  get length(): i32 {
    return this.used;
  }

  /** Address of the first byte; valid until the next append (which may move the storage). */
  get ptr(): usize {
    return changetype<usize>(this.data);
  }

  clear(): void {
    this.used = 0;
  }

  /** Byte at `i`, or -1 outside [0, length). */
  at(i: i32): i32 {
    if (i < 0 || i >= this.used) return -1;
    return <i32>load<u8>(changetype<usize>(this.data) + <usize>i);
  }

  append(src: usize, n: i32): void {
    if (n <= 0) return;
    this.reserve(n);
    memory.copy(changetype<usize>(this.data) + <usize>this.used, src, <usize>n);
    this.used += n;
  }

  appendBuffer(bytes: ArrayBuffer): void {
    this.append(changetype<usize>(bytes), bytes.byteLength);
  }

  appendByte(b: u8): void {
    this.reserve(1);
    store<u8>(changetype<usize>(this.data) + <usize>this.used, b);
    this.used++;
  }

  /** Appends an ASCII string (every literal we write is ASCII: event names, JSON punctuation, numbers). */
  appendAscii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const base = changetype<usize>(this.data) + <usize>this.used;
    for (let i = 0; i < n; i++) store<u8>(base + <usize>i, <u8>text.charCodeAt(i));
    this.used += n;
  }

  /** Removes the first `n` bytes, keeping the rest (the carry after complete events were consumed). */
  dropFront(n: i32): void {
    if (n <= 0) return;
    if (n >= this.used) {
      this.used = 0;
      return;
    }
    const base = changetype<usize>(this.data);
    memory.copy(base, base + <usize>n, <usize>(this.used - n));
    this.used -= n;
  }

  /** A copy of the content (the host may keep what we hand it). */
  toArrayBuffer(): ArrayBuffer {
    const out = new ArrayBuffer(this.used);
    memory.copy(changetype<usize>(out), changetype<usize>(this.data), <usize>this.used);
    return out;
  }

  private reserve(extra: i32): void {
    const need = this.used + extra;
    const cap = this.data.byteLength;
    if (need <= cap) return;
    // Doubling, bounded: the callers cap what they keep (carry 64 KiB, JSON copy 1 MiB), and a single
    // chunk cannot exceed linear memory; `need` itself is the fallback when doubling would overflow i32.
    let next = cap << 1;
    while (next > 0 && next < need) next <<= 1;
    if (next < need) next = need;
    const grown = new ArrayBuffer(next);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.data), <usize>this.used);
    this.data = grown;
  }
}
