// Usage of a non-streamed (JSON) LLM response (spec 8.8): the body is forwarded chunk by chunk untouched
// (no added latency) while a bounded copy is kept; at end of stream the copy's top-level `usage` object is
// read: OpenAI `prompt_tokens`/`completion_tokens`, Anthropic `input_tokens`/`output_tokens`. A body over
// the cap (spec 8.8 `max_parseable_body_bytes`, 1 MiB) is not parsed: failure `body_too_large`, the
// caller keeps the reservation.
import { ByteBuffer } from "./byte-buffer";
import { JsonScan, NO } from "./json-scan";
import { Usage } from "./usage";

export const MAX_JSON_BODY_BYTES: i32 = 1048576;

@final
export class JsonUsageReader {
  readonly usage: Usage = new Usage();
  /** The body went over the cap; its copy was dropped. */
  tooLarge: bool = false;
  private copy: ByteBuffer = new ByteBuffer(1024);
  private scan: JsonScan = new JsonScan();

  constructor(private cap: i32 = MAX_JSON_BODY_BYTES) {}

  append(ptr: usize, len: i32): void {
    if (this.tooLarge || len <= 0) return;
    if (this.copy.length + len > this.cap) {
      this.tooLarge = true;
      this.copy = new ByteBuffer(16); // release the big copy at once
      return;
    }
    this.copy.append(ptr, len);
  }

  /** Reads the usage of the body received so far; true when prompt or completion tokens were found. */
  finish(): bool {
    const usage = this.usage;
    usage.reset();
    if (this.tooLarge) return false;
    const scan = this.scan;
    scan.reset(this.copy.ptr, this.copy.length);
    const at = scan.member(0, "usage");
    if (at == NO) return false;
    let prompt = scan.number(scan.member(at, "prompt_tokens"));
    if (isNaN(prompt)) prompt = scan.number(scan.member(at, "input_tokens"));
    let completion = scan.number(scan.member(at, "completion_tokens"));
    if (isNaN(completion)) completion = scan.number(scan.member(at, "output_tokens"));
    usage.setPrompt(prompt);
    usage.setCompletion(completion);
    return usage.hasPrompt || usage.hasCompletion;
  }
}
