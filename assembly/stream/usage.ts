// Real token usage reported by the upstream, field by field: OpenAI `usage.prompt_tokens` /
// `completion_tokens` (JSON body or the final SSE chunk), Anthropic `usage.input_tokens` (message_start,
// JSON body) / `output_tokens` (message_delta, JSON body). Spec 8.8 and DESIGN.md section 5.

@final
export class Usage {
  hasPrompt: bool = false;
  prompt: f64 = 0;
  hasCompletion: bool = false;
  completion: f64 = 0;

  reset(): void {
    this.hasPrompt = false;
    this.prompt = 0;
    this.hasCompletion = false;
    this.completion = 0;
  }

  /** Takes a reported value; negative, fractional-garbage or non-finite numbers are ignored. */
  setPrompt(value: f64): void {
    if (isFinite(value) && value >= 0) {
      this.hasPrompt = true;
      this.prompt = Math.ceil(value);
    }
  }

  setCompletion(value: f64): void {
    if (isFinite(value) && value >= 0) {
      this.hasCompletion = true;
      this.completion = Math.ceil(value);
    }
  }
}
