// Pure SSE and usage code for LLM responses (spec 8.7, 8.8): no host calls; the filter feeds it bytes.
export { ByteBuffer } from "./byte-buffer";
export { SseFormat, appendFinalEvents } from "./final-events";
export { JsonUsageReader, MAX_JSON_BODY_BYTES } from "./json-usage";
export { ChunkVerdict, MAX_CARRY_BYTES, SseStream } from "./sse-stream";
export { Settlement, settle } from "./settlement";
export { Usage } from "./usage";
