// One streamed LLM response, chunk by chunk (spec 8.7, decision 11, research/gateways.md 1.7): split the
// bytes into events, count completion tokens, remember the usage the upstream reports, and, when a limit
// is set, cut the stream at the limit with well-formed closing events.
//
// Two modes, chosen once per stream:
//   - counting (no enforced limit, or shadow): every chunk passes untouched (PASS); only the counts move;
//   - enforcing (`limit` >= 0): only complete events go out. A partial event at the end of a chunk is held
//     back and sent with the chunk that completes it (REPLACE), so no byte of an event is on the wire
//     before we know whether it fits, and the cut never leaves a broken event. A chunk made of whole events
//     with nothing held from before still passes untouched.
// The carry is capped (MAX_CARRY_BYTES): past it the stream is no longer parsed, the held bytes and every
// later chunk pass through, and `overflowed` tells the caller to keep the whole reservation charged.
import { ByteBuffer } from "./byte-buffer";
import { appendFinalEvents, SseFormat } from "./final-events";
import { JsonScan } from "./json-scan";
import { LlmEvent, LlmEventKind, readLlmEvent, tokensForBytes } from "./llm-event";
import { SseEventFields } from "./sse-event";
import { SseSplitter } from "./sse-splitter";
import { Usage } from "./usage";

/** Largest incomplete event kept between chunks (spec 8.8 `max_stream_buffer_bytes` default). */
export const MAX_CARRY_BYTES: i32 = 65536;

export const enum ChunkVerdict {
  /** Forward the chunk as it came. */
  PASS = 0,
  /** Forward `SseStream.output` instead (possibly empty). */
  REPLACE = 1,
}

@final
export class SseStream {
  // ---- configuration (set before the first chunk) ----
  /** Completion tokens the client may receive; -1 = no enforced limit (counting mode). */
  limit: f64 = -1;
  /** on_limit_exceeded = error_chunk (spec 8.7); graceful_close otherwise. */
  errorChunk: bool = false;
  /** include_partial_usage (spec 8.7). */
  includePartialUsage: bool = true;
  /** Limit of a shadow rule: crossing it only sets `wouldTruncate` (spec 8.7, shadow logs would_truncate). */
  shadowLimit: f64 = -1;
  /** Prompt tokens for the closing usage when the upstream did not report them (the reservation's estimate). */
  promptEstimate: f64 = 0;

  // ---- results ----
  /** Completion tokens counted in the events forwarded so far. */
  completion: f64 = 0;
  /** Usage reported by the upstream. */
  readonly usage: Usage = new Usage();
  format: SseFormat = SseFormat.UNKNOWN;
  /** The stream was cut at the limit; every later chunk is dropped. */
  truncated: bool = false;
  /** `[DONE]` or `message_stop` was seen. */
  finished: bool = false;
  /** The shadow limit was crossed (at most once per stream). */
  wouldTruncate: bool = false;
  /** The carry cap was hit: parsing stopped, counts are incomplete. */
  overflowed: bool = false;
  /** end_of_stream was seen. */
  ended: bool = false;
  /** Bytes to forward after a REPLACE verdict. */
  readonly output: ByteBuffer = new ByteBuffer(1024);

  private splitter: SseSplitter = new SseSplitter();
  private fields: SseEventFields = new SseEventFields();
  private scan: JsonScan = new JsonScan();
  private event: LlmEvent = new LlmEvent();
  /** Anthropic content block started and not stopped, -1 when none. */
  private openBlock: i32 = -1;

  get enforcing(): bool {
    return this.limit >= 0;
  }

  /** Bytes held back between chunks (enforcing mode) or waiting to complete an event (counting mode). */
  get pending(): i32 {
    return this.splitter.pending;
  }

  /** The stream reached its end: the upstream finished it, or the cut ended it. */
  get complete(): bool {
    return this.finished || this.ended || this.truncated;
  }

  /** Processes one body chunk of `len` bytes at `ptr`. */
  push(ptr: usize, len: i32, eos: bool): ChunkVerdict {
    const output = this.output;
    output.clear();
    if (eos) this.ended = true;
    if (this.truncated) return ChunkVerdict.REPLACE; // everything after the cut is dropped
    if (this.overflowed) return ChunkVerdict.PASS;
    const splitter = this.splitter;
    const enforcing = this.enforcing;
    // Held bytes go out with this chunk, so the chunk no longer matches what the client must get.
    let changed = splitter.pending > 0;
    splitter.append(ptr, len);
    while (splitter.next(eos)) {
      if (this.handleEvent(splitter.carry.ptr)) break;
    }
    if (this.truncated) {
      appendFinalEvents(output, this.format, this.errorChunk, this.includePartialUsage,
        this.usage.hasPrompt ? this.usage.prompt : this.promptEstimate, this.completion, this.openBlock);
      splitter.reset();
      return ChunkVerdict.REPLACE;
    }
    if (splitter.pending > MAX_CARRY_BYTES) {
      this.overflowed = true;
      // Enforcing: whatever was held goes out now, complete events and the oversized one alike.
      if (enforcing) output.append(splitter.carry.ptr, splitter.carry.length);
      splitter.reset();
      return enforcing ? ChunkVerdict.REPLACE : ChunkVerdict.PASS;
    }
    if (enforcing && splitter.pending > 0) changed = true;
    // Complete events are contiguous at the front of the carry: one copy, and only when needed.
    if (enforcing && changed) output.append(splitter.carry.ptr, splitter.consumed);
    splitter.compact();
    return enforcing && changed ? ChunkVerdict.REPLACE : ChunkVerdict.PASS;
  }

  /**
   * Reads the event the splitter just found. Returns true when it crossed the limit: then `output` holds
   * what goes out before the closing events (the earlier events of the carry and the part of this one
   * that fits) and `truncated` is set.
   */
  private handleEvent(base: usize): bool {
    const splitter = this.splitter;
    const fields = this.fields;
    fields.read(base, splitter.eventBegin, splitter.eventEnd);
    if (!fields.hasData) return false;
    const scan = this.scan;
    const dataStart = fields.dataStart;
    scan.reset(base + <usize>dataStart, fields.dataLength);
    const event = this.event;
    readLlmEvent(scan, event);
    this.note(event);
    const tokens = <f64>event.tokens;
    if (this.shadowLimit >= 0 && !this.wouldTruncate && this.completion + tokens > this.shadowLimit) {
      this.wouldTruncate = true;
    }
    if (this.limit < 0 || this.completion + tokens <= this.limit) {
      this.completion += tokens;
      return false;
    }
    // Crossing the limit: keep the text that still fits, so exactly `limit` tokens are delivered.
    this.truncated = true;
    let forwarded = false;
    const allowed = this.limit - this.completion;
    if (allowed >= 1 && event.textAt >= 0) {
      const budget = allowed * 4 >= <f64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>(allowed * 4);
      const cut = scan.cutForBudget(event.textAt, budget);
      const kept = scan.decoded;
      const textEnd = scan.stringEnd(event.textAt);
      if (cut > event.textAt + 1 && textEnd > 0) {
        const output = this.output;
        // Events consumed before this one in the carry, then this one up to the cut.
        output.append(base, dataStart + cut);
        output.appendByte(0x22); // closing quote
        output.append(base + <usize>(dataStart + textEnd), splitter.rawEnd - (dataStart + textEnd));
        if (splitter.rawEnd == splitter.eventEnd) output.appendAscii("\n\n"); // flushed event without its blank line
        this.completion += <f64>tokensForBytes(kept);
        forwarded = true;
      }
    }
    // Nothing of the crossing event fits: only the events before it go out.
    if (!forwarded) this.output.append(base, splitter.rawStart);
    return true;
  }

  /** Format, usage, open content block and end marker of the event. */
  private note(event: LlmEvent): void {
    if (this.format == SseFormat.UNKNOWN) {
      if (event.isAnthropic) this.format = SseFormat.ANTHROPIC;
      else if (event.isOpenAi) this.format = SseFormat.OPENAI;
    }
    const reported = event.usage;
    if (reported.hasPrompt) this.usage.setPrompt(reported.prompt);
    if (reported.hasCompletion) this.usage.setCompletion(reported.completion);
    const kind = event.kind;
    if (kind == LlmEventKind.ANTHROPIC_BLOCK_START) this.openBlock = event.blockIndex;
    else if (kind == LlmEventKind.ANTHROPIC_BLOCK_STOP) this.openBlock = -1;
    else if (kind == LlmEventKind.DONE || kind == LlmEventKind.ANTHROPIC_MESSAGE_STOP) this.finished = true;
  }
}
