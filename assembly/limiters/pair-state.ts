// Two f64 numbers as stored in the counter store: 16 bytes, little-endian (DESIGN.md section 2: state is
// encoded compactly). Used by every counter that is not a token bucket: a windowed counter (value,
// expires_at), the loop detector (window_start, count) and the breaker state (opened_at, open flag).

// @ts-ignore: decorator
@inline export const PAIR_STATE_BYTES: i32 = 16;

@final
export class PairState {
  first: f64 = 0;
  second: f64 = 0;

  /**
   * Reads `value`; false (state untouched) for a missing or malformed value (wrong length, non-finite
   * numbers): callers then start from a fresh state, as for a malformed token bucket (spec 8.1).
   */
  decode(value: ArrayBuffer | null): bool {
    if (value === null) return false;
    const buf = value;
    if (buf.byteLength != PAIR_STATE_BYTES) return false;
    const base = changetype<usize>(buf);
    const a = load<f64>(base);
    const b = load<f64>(base, 8);
    if (!isFinite(a) || !isFinite(b)) return false;
    this.first = a;
    this.second = b;
    return true;
  }

  /** A new 16-byte buffer (the store may keep it, so it is never reused). */
  encode(): ArrayBuffer {
    const buf = new ArrayBuffer(PAIR_STATE_BYTES);
    const base = changetype<usize>(buf);
    store<f64>(base, this.first);
    store<f64>(base, this.second, 8);
    return buf;
  }

  static of(first: f64, second: f64): ArrayBuffer {
    const s = new PairState();
    s.first = first;
    s.second = second;
    return s.encode();
  }
}
