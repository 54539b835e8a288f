// Requests node:http refuses before any handler runs. Its parser (llhttp, strict mode) already refuses
// ambiguous framing, the request-smuggling vectors of RFC 9112 section 6.3: Content-Length together with
// Transfer-Encoding, duplicate Content-Length (even equal ones), a Content-Length that is not a plain
// number, and a Transfer-Encoding whose last coding is not chunked (test/reverse-proxy-framing.test.ts
// proves each). Node's default answer is a bare 400; this one says why, as JSON, and closes the connection
// because the rest of the byte stream cannot be trusted.
import type { Socket } from "node:net";

const STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
};

export function answerClientError(err: Error & { code?: string; reason?: string }, socket: Socket): void {
  // A peer that reset or went away gets nothing; writing would only raise EPIPE.
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] = STATUS[err.code ?? ""] ?? [400, "Bad Request"];
  const detail = (err.reason ?? err.message).replace(/^Parse Error: /, "");
  const body = JSON.stringify({ error: "bad_request", message: detail });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
