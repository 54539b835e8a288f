// Proves SSE event splitting over arbitrary chunking: for every split point of the sample OpenAI and
// Anthropic streams (and one byte at a time) the same events come out with the same fields; CRLF, a CR at
// the end of a chunk, blank separators and unterminated trailing data at end of stream.
import { SseSplitter } from "../stream/sse-splitter";
import { SseEventFields } from "../stream/sse-event";
import { ANTHROPIC_STREAM, bytesOf, OPENAI_STREAM } from "./stream-fixtures";

let events: string[] = [];
let names: string[] = [];

function collect(splitter: SseSplitter, eos: bool): void {
  const fields = new SseEventFields();
  while (splitter.next(eos)) {
    const base = splitter.carry.ptr;
    fields.read(base, splitter.eventBegin, splitter.eventEnd);
    events.push(fields.hasData ? String.UTF8.decodeUnsafe(base + <usize>fields.dataStart, <usize>fields.dataLength) : "<no data>");
    names.push(fields.nameStart >= 0 ? String.UTF8.decodeUnsafe(base + <usize>fields.nameStart, <usize>(fields.nameEnd - fields.nameStart)) : "");
  }
  splitter.compact();
}

/** Feeds `text` split at `at` (and in 1-byte pieces when at < 0); returns the events joined by "|". */
function split(text: string, at: i32): string {
  events = [];
  names = [];
  const bytes = bytesOf(text);
  const base = changetype<usize>(bytes);
  const n = bytes.byteLength;
  const splitter = new SseSplitter();
  if (at < 0) {
    for (let i = 0; i < n; i++) {
      splitter.append(base + <usize>i, 1);
      collect(splitter, i == n - 1);
    }
  } else {
    splitter.append(base, at);
    collect(splitter, false);
    splitter.append(base + <usize>at, n - at);
    collect(splitter, true);
  }
  return events.join("|") + "#" + names.join(",");
}

describe("SseSplitter", () => {
  it("gives the same events at every split point of an OpenAI stream", () => {
    const whole = split(OPENAI_STREAM, 0);
    expect(events.length).toBe(9); // 8 data events + the comment-only event
    expect(events[8]).toBe("[DONE]");
    const n = bytesOf(OPENAI_STREAM).byteLength;
    for (let at = 1; at <= n; at++) expect(split(OPENAI_STREAM, at)).toBe(whole);
    expect(split(OPENAI_STREAM, -1)).toBe(whole);
  });

  it("gives the same events at every split point of an Anthropic stream", () => {
    const whole = split(ANTHROPIC_STREAM, 0);
    expect(events.length).toBe(9);
    expect(names[0]).toBe("message_start");
    expect(names[8]).toBe("message_stop");
    const n = bytesOf(ANTHROPIC_STREAM).byteLength;
    for (let at = 1; at <= n; at++) expect(split(ANTHROPIC_STREAM, at)).toBe(whole);
    expect(split(ANTHROPIC_STREAM, -1)).toBe(whole);
  });

  it("handles CRLF, lone CR and mixed terminators, and a CR ending a chunk", () => {
    const text = "data: a\r\n\r\ndata: b\r\rdata: c\n\r\ndata: d\n\n";
    expect(split(text, 0)).toBe("a|b|c|d#,,,");
    const n = bytesOf(text).byteLength;
    for (let at = 1; at <= n; at++) expect(split(text, at)).toBe("a|b|c|d#,,,");
  });

  it("takes the last data line and skips blank separators", () => {
    expect(split("\n\n\ndata: one\ndata:two\nid: 3\n\n\n", 0)).toBe("two#");
  });

  it("flushes unterminated trailing data at end of stream only", () => {
    expect(split("data: x\n\ndata: tail", 0)).toBe("x|tail#,");
    events = [];
    const s = new SseSplitter();
    const b = bytesOf("data: x\n\ndata: tail");
    s.append(changetype<usize>(b), b.byteLength);
    collect(s, false);
    expect(events.length).toBe(1);
    expect(s.pending).toBe(10);
  });
});
