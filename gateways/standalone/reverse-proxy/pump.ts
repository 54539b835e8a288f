// Feeds a body to a filter callback chunk by chunk, as Envoy's codec delivers data frames: end of stream
// rides on the chunk that completes a known Content-Length, otherwise (chunked, SSE) it comes as a final
// empty call once the source ends. Chunks are handed over as they arrive; nothing is gathered here.

const EMPTY = new Uint8Array(0);

/** `onChunk` answers true when the filter let the data continue; the last answer is returned. */
export async function pumpBody(
  source: AsyncIterable<Uint8Array | string>,
  contentLength: number | undefined,
  onChunk: (chunk: Uint8Array, endOfStream: boolean) => Promise<boolean>,
): Promise<boolean> {
  let received = 0;
  let last = true;
  let ended = false;
  for await (const raw of source) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    if (ended || chunk.byteLength === 0) continue;
    received += chunk.byteLength;
    ended = contentLength !== undefined && received >= contentLength;
    last = await onChunk(chunk, ended);
  }
  if (!ended) last = await onChunk(EMPTY, true);
  return last;
}
