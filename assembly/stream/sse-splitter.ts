// Finds complete server-sent events in the bytes of a response that arrive chunk by chunk. An event ends
// at a blank line; a line ends with CRLF, LF or CR (WHATWG HTML "Server-sent events", event stream
// interpretation), so `\n\n`, `\r\n\r\n` and mixes all end an event. An event may be split anywhere across
// chunks: the bytes of the incomplete event stay in `carry` (research/gateways.md 1.7: Continue every
// chunk, carry the remainder). Each byte is scanned once: `scanPos` remembers where the last look stopped.
import { Char } from "../json/chars";
import { ByteBuffer } from "./byte-buffer";

@final
export class SseSplitter {
  /** Unconsumed bytes: an incomplete event (and blank lines before it). */
  readonly carry: ByteBuffer = new ByteBuffer(1024);
  /** Offsets into `carry`: start of the pending event, of the line being read, and of the next byte to scan. */
  private eventStart: i32 = 0;
  private lineStart: i32 = 0;
  private scanPos: i32 = 0;
  /** End of what next() consumed so far (after the blank line of the last event). */
  private consumedEnd: i32 = 0;

  /** Set by next(): raw bytes [rawStart, rawEnd) include blank lines before the event and the one after it. */
  rawStart: i32 = 0;
  rawEnd: i32 = 0;
  /** The event's own lines [eventBegin, eventEnd), each with its line terminator. */
  eventBegin: i32 = 0;
  eventEnd: i32 = 0;

  reset(): void {
    this.carry.clear();
    this.eventStart = this.lineStart = this.scanPos = this.consumedEnd = 0;
  }

  /** Bytes at the front of `carry` that next() consumed (whole events) since the last compact(). */
  get consumed(): i32 {
    return this.consumedEnd;
  }

  /** Bytes held back: received but not yet part of a complete event. */
  get pending(): i32 {
    return this.carry.length - this.consumedEnd;
  }

  append(ptr: usize, len: i32): void {
    this.carry.append(ptr, len);
  }

  /**
   * Finds the next complete event after the last one returned. At end of stream (`eos`), trailing data
   * without its blank line is an event too (spec 8.7: "unterminated trailing data is flushed at EOF").
   */
  next(eos: bool): bool {
    const carry = this.carry;
    const len = carry.length;
    const base = carry.ptr;
    while (this.scanPos < len) {
      let t = this.scanPos;
      while (t < len) {
        const c = <i32>load<u8>(base + <usize>t);
        if (c == Char.LF || c == Char.CR) break;
        t++;
      }
      if (t >= len) {
        this.scanPos = len;
        break;
      }
      let terminator = 1;
      if (load<u8>(base + <usize>t) == Char.CR) {
        if (t + 1 < len) {
          if (load<u8>(base + <usize>(t + 1)) == Char.LF) terminator = 2;
        } else if (!eos) {
          // A CR as the last byte may be the first half of CRLF: decide when more bytes arrive.
          this.scanPos = t;
          return false;
        }
      }
      const nextLine = t + terminator;
      if (t == this.lineStart) {
        // A blank line: it ends the event, or is just a separator when no line came before it.
        const begin = this.eventStart;
        const hadEvent = this.lineStart > begin;
        this.eventStart = this.lineStart = this.scanPos = nextLine;
        if (hadEvent) {
          this.rawStart = this.consumedEnd;
          this.eventBegin = begin;
          this.eventEnd = t;
          this.rawEnd = nextLine;
          this.consumedEnd = nextLine;
          return true;
        }
        continue;
      }
      this.lineStart = this.scanPos = nextLine;
    }
    if (eos && this.eventStart < len) {
      // Flush: whatever remains is the last event, if it holds more than blank lines.
      const begin = this.eventStart;
      let hasContent = false;
      for (let i = begin; i < len; i++) {
        const c = <i32>load<u8>(base + <usize>i);
        if (c != Char.LF && c != Char.CR) {
          hasContent = true;
          break;
        }
      }
      this.eventStart = this.lineStart = this.scanPos = len;
      if (!hasContent) this.consumedEnd = len; // trailing blank lines: nothing to deliver
      if (hasContent) {
        this.rawStart = this.consumedEnd;
        this.eventBegin = begin;
        this.eventEnd = len;
        this.rawEnd = len;
        this.consumedEnd = len;
        return true;
      }
    }
    return false;
  }

  /** Drops what next() consumed, keeping the incomplete event at the front of `carry`. */
  compact(): void {
    const n = this.consumedEnd;
    if (n == 0) return;
    this.carry.dropFront(n);
    this.eventStart -= n;
    this.lineStart -= n;
    this.scanPos -= n;
    this.consumedEnd = 0;
  }
}
