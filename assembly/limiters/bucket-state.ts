// Token bucket state as stored in the counter store: 16 bytes, f64 tokens then f64 last_refill in
// epoch seconds, little-endian (DESIGN.md section 2: state encoded compactly). The reference stores
// "%.6f:%.6f" text (spec 5.4); the key is the same, the value is binary.

// @ts-ignore: decorator
@inline export const BUCKET_STATE_BYTES: i32 = 16;

@final
export class BucketState {
  tokens: f64 = 0;
  lastRefill: f64 = 0;

  /**
   * Reads `value` into this state. Returns false (and leaves the state untouched) for a missing or
   * malformed value: wrong length or non-finite numbers. The caller then starts a fresh bucket
   * (spec 8.1: a malformed stored value is treated as a fresh bucket).
   */
  decode(value: ArrayBuffer | null): bool {
    if (value === null) return false;
    const buf = value;
    if (buf.byteLength != BUCKET_STATE_BYTES) return false;
    const base = changetype<usize>(buf);
    const tokens = load<f64>(base);
    const lastRefill = load<f64>(base, 8);
    if (!isFinite(tokens) || !isFinite(lastRefill)) return false;
    this.tokens = tokens;
    this.lastRefill = lastRefill;
    return true;
  }

  /** A new 16-byte buffer holding this state (the store may keep the buffer, so it is not reused). */
  encode(): ArrayBuffer {
    const buf = new ArrayBuffer(BUCKET_STATE_BYTES);
    const base = changetype<usize>(buf);
    store<f64>(base, this.tokens);
    store<f64>(base, this.lastRefill, 8);
    return buf;
  }
}
