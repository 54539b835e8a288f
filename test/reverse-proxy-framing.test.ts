// Ambiguous request framing (RFC 9112 section 6.3, the request-smuggling vectors) is refused before the
// filter or the upstream see anything: node:http's strict parser rejects each case below, and the service's
// clientError handler (reverse-proxy/client-error.ts) answers 400 with a JSON reason and closes. Raw sockets,
// because no well-behaved client can send these.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle } from "./support/service-harness.js";

let upstream: Server;
let hits = 0;
let service: DecisionService;
let port: number;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    hits++;
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const s = await startService(tokenBucketBundle(1, { prefix: "/", burst: 100 }), {
    mode: "reverse_proxy",
    backendUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
  });
  service = s.service;
  port = service.port;
});
afterAll(async () => {
  await service.stop();
  await new Promise<void>((r) => upstream.close(() => r()));
});

function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed client is not what browsers or curl do, and the server closes anyway.
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let out = "";
    socket.on("data", (d) => (out += d.toString()));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
  });
}

const cases: Array<[string, string, string]> = [
  ["Content-Length and Transfer-Encoding", "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "Transfer-Encoding can't be present with Content-Length"],
  ["two differing Content-Length", "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "Duplicate Content-Length"],
  ["two equal Content-Length", "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "Duplicate Content-Length"],
  ["a Content-Length list", "Content-Length: 3, 3\r\n\r\nabc", "Invalid character in Content-Length"],
  ["a Content-Length that is not a number", "Content-Length: 3x\r\n\r\nabc", "Invalid character in Content-Length"],
  ["a negative Content-Length", "Content-Length: -1\r\n\r\nabc", "Invalid character in Content-Length"],
  ["Transfer-Encoding not ending in chunked", "Transfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "Invalid `Transfer-Encoding` header value"],
  ["Transfer-Encoding twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "Invalid `Transfer-Encoding` header value"],
];

describe("ambiguous framing", () => {
  for (const [name, headers, message] of cases) {
    it(`${name}: 400 with a JSON reason, connection closed, nothing forwarded`, async () => {
      const before = hits;
      const answer = await raw(`POST /api/a HTTP/1.1\r\nHost: x\r\nX-Api-Key: k\r\n${headers}`);
      const [head, body] = answer.split("\r\n\r\n");
      expect(head.split("\r\n")).toEqual([
        "HTTP/1.1 400 Bad Request",
        "Content-Type: application/json",
        `Content-Length: ${Buffer.byteLength(body)}`,
        "Connection: close",
      ]);
      expect(JSON.parse(body)).toEqual({ error: "bad_request", message });
      expect(hits).toBe(before);
    });
  }

  it("a well-framed chunked upload is forwarded", async () => {
    const answer = await raw("POST /api/a HTTP/1.1\r\nHost: x\r\nX-Api-Key: k\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    expect(answer.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(answer.endsWith("ok")).toBe(true);
  });
});
