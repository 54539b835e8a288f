// A growable UTF-16 buffer reused across requests (STYLE.md hot path 2: reuse scratch memory), so a
// counter key made of several parts costs one string allocation instead of one per concatenation.

@final
export class StringBuilder {
  private buffer: StaticArray<u16>;
  private length: i32 = 0;

  constructor(capacity: i32 = 256) {
    this.buffer = new StaticArray<u16>(max(capacity, 16));
  }

  reset(): void {
    this.length = 0;
  }

  get size(): i32 {
    return this.length;
  }

  append(text: string): void {
    const n = text.length;
    this.ensure(n);
    memory.copy(
      changetype<usize>(this.buffer) + (usize(this.length) << 1),
      changetype<usize>(text),
      usize(n) << 1,
    );
    this.length += n;
  }

  appendCode(code: u16): void {
    this.ensure(1);
    unchecked((this.buffer[this.length] = code));
    this.length++;
  }

  toString(): string {
    return String.UTF16.decodeUnsafe(changetype<usize>(this.buffer), usize(this.length) << 1);
  }

  private ensure(extra: i32): void {
    const needed = this.length + extra;
    const capacity = this.buffer.length;
    if (needed <= capacity) return;
    let next = capacity << 1;
    while (next < needed) next <<= 1;
    const grown = new StaticArray<u16>(next);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.buffer), usize(this.length) << 1);
    this.buffer = grown;
  }
}
