// The fields of one server-sent event that matter here: its `event:` name (Anthropic names every event)
// and its `data:` payload. Spec 8.7: inside an event, the last line starting with `data: ` (or a bare
// `data:`) is the payload; one optional space after the colon is not part of the value (WHATWG SSE).
// Comment lines (":" first) and other fields (`id:`, `retry:`) are ignored.
import { Char } from "../json/chars";

@final
export class SseEventFields {
  /** Offsets into the scanned memory; -1 when the field is absent. */
  dataStart: i32 = -1;
  dataEnd: i32 = -1;
  nameStart: i32 = -1;
  nameEnd: i32 = -1;

  /** Reads the lines of the event at [begin, end) of `base`. */
  read(base: usize, begin: i32, end: i32): void {
    this.dataStart = this.dataEnd = this.nameStart = this.nameEnd = -1;
    let line = begin;
    while (line < end) {
      let t = line;
      while (t < end) {
        const c = <i32>load<u8>(base + <usize>t);
        if (c == Char.LF || c == Char.CR) break;
        t++;
      }
      if (startsWith(base, line, t, "data:")) {
        this.dataStart = valueStart(base, line + 5, t);
        this.dataEnd = t;
      } else if (startsWith(base, line, t, "event:")) {
        this.nameStart = valueStart(base, line + 6, t);
        this.nameEnd = t;
      }
      // Next line: skip CRLF as one terminator.
      if (t + 1 < end && load<u8>(base + <usize>t) == Char.CR && load<u8>(base + <usize>(t + 1)) == Char.LF) t++;
      line = t + 1;
    }
  }

  get hasData(): bool {
    return this.dataStart >= 0;
  }

  get dataLength(): i32 {
    return this.dataStart >= 0 ? this.dataEnd - this.dataStart : 0;
  }
}

function startsWith(base: usize, start: i32, end: i32, text: string): bool {
  const n = text.length;
  if (end - start < n) return false;
  for (let k = 0; k < n; k++) {
    if (<i32>load<u8>(base + <usize>(start + k)) != <i32>text.charCodeAt(k)) return false;
  }
  return true;
}

@inline function valueStart(base: usize, at: i32, end: i32): i32 {
  return at < end && load<u8>(base + <usize>at) == Char.SPACE ? at + 1 : at;
}
