// Small pure helpers of the stream: how a headers callback's number becomes a verdict (proxy-wasm-cpp-host
// src/context.cc convertVmCallResultToFilterHeadersStatus), header-list copies and byte concatenation.
import { HeadersStatus } from "./abi/enums.js";
import type { FilterVerdict, HeaderList } from "./types.js";

export function lowerCopy(list: HeaderList): HeaderList {
  const out: HeaderList = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = [list[i][0].toLowerCase(), list[i][1]];
  return out;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * convertVmCallResultToFilterHeadersStatus. A local reply (stopNextIteration) or any number above 4 stops
 * everything; StopIteration, which Envoy turns into StopAllIterationAndWatermark unless
 * allow_on_headers_stop_iteration is set, is reported as "pause": either way the side waits for
 * proxy_continue_stream.
 */
export function headersVerdict(r: number, stopped: boolean): FilterVerdict {
  if (stopped) return "stop_all_watermark";
  switch (r) {
    case HeadersStatus.Continue:
      return "continue";
    case HeadersStatus.StopIteration:
      return "pause";
    case HeadersStatus.ContinueAndEndStream:
      return "continue_and_end_stream";
    case HeadersStatus.StopAllIterationAndBuffer:
      return "stop_all_buffer";
    default:
      return "stop_all_watermark";
  }
}
