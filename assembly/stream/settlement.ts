// What a reservation is settled at (decision 11, DESIGN.md section 5): the real usage when the upstream
// reported it, otherwise what the stream showed, otherwise the reservation itself (no refund).
//   prompt:     reported usage, else the reservation's prompt estimate;
//   completion: reported usage (unless the stream was cut: the client got only what was counted), else the
//               tokens counted in a stream that completed or was cut, else the reservation's completion.
// A response without usage and without a counted stream (a JSON body with no `usage`, a body over the parse
// cap, an SSE stream whose carry overflowed, a client that went away) keeps the full charge.
import { Usage } from "./usage";

@final
export class Settlement {
  prompt: f64 = 0;
  completion: f64 = 0;
  /** Nothing was measured: the reservation stays charged as it was. */
  keptReservation: bool = false;
}

/**
 * `counted` is the completion counted in the stream, valid when `streamComplete` (ended, finished or cut)
 * and the stream was parsed to the end; `cut` says the stream was truncated at the limit.
 */
export function settle(
  reservedPrompt: f64,
  reservedCompletion: f64,
  usage: Usage,
  counted: f64,
  streamComplete: bool,
  cut: bool,
  out: Settlement,
): void {
  out.prompt = usage.hasPrompt ? usage.prompt : reservedPrompt;
  out.keptReservation = false;
  if (cut || (streamComplete && !usage.hasCompletion)) {
    out.completion = counted;
  } else if (usage.hasCompletion) {
    out.completion = usage.completion;
  } else {
    out.completion = reservedCompletion;
    out.keptReservation = !usage.hasPrompt;
  }
}
