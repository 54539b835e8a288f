// Decider: how one filter outcome becomes the service's answer. The worker here is a scripted stand-in for
// the host (it decides nothing); the real wasm through the real host is exercised in
// test/decision-service.test.ts.
import { describe, expect, it } from "vitest";
import type { CallbackResult, HeaderList, HttpStream, LocalReply, StreamInfo, Worker } from "../host/types.js";
import { Decider } from "./decider.js";
import type { DecisionInput } from "./types.js";

interface Script {
  reply?: LocalReply;
  /** Reject only once the body has been seen (an LLM rule deciding in on_request_body). */
  replyOnBody?: LocalReply;
  trap?: boolean;
  allowHeaders?: HeaderList;
}

class ScriptedWorker implements Worker {
  failed = false;
  readonly seen: Array<{ info?: StreamInfo; headers: HeaderList; eos?: boolean; body?: string; response?: HeaderList; responseEos?: boolean; finished: boolean }> = [];
  constructor(readonly index: number, private readonly script: Script) {}
  newStream(info?: StreamInfo): HttpStream {
    const script = this.script;
    const record = { info, headers: [] as HeaderList, finished: false };
    this.seen.push(record);
    const worker = this;
    const result = (r: Partial<CallbackResult>): CallbackResult => ({ verdict: "continue", localReply: null, trapped: false, ...r });
    let responseHeaders: HeaderList = [];
    return {
      contextId: 2,
      requestHeaders: [],
      get responseHeaders() {
        return responseHeaders;
      },
      localReply: null,
      onRequestHeaders(headers, eos) {
        record.headers = headers;
        record.eos = eos;
        if (script.trap) {
          worker.failed = true;
          return result({ trapped: true, localReply: { status: 503, details: "wasm_fail_stream", body: new Uint8Array(), headers: [], grpcStatus: -1 } });
        }
        if (script.reply) return result({ verdict: "pause", localReply: script.reply });
        return result({});
      },
      onResponseHeaders(headers, eos) {
        record.response = headers;
        record.responseEos = eos;
        responseHeaders = [...headers, ...(script.allowHeaders ?? [])];
        return result({});
      },
      onRequestBody(chunk) {
        record.body = Buffer.from(chunk).toString("utf8");
        if (script.replyOnBody) return { ...result({ verdict: "stop_all_watermark", localReply: script.replyOnBody }), body: new Uint8Array() };
        return { ...result({}), body: chunk };
      },
      onResponseBody: () => ({ ...result({}), body: new Uint8Array() }),
      finish() {
        record.finished = true;
      },
    };
  }
}

const input: DecisionInput = {
  method: "GET",
  uri: "/api/a?x=1",
  authority: "api.example.com",
  headers: [["x-api-key", "demo"]],
  sourceAddress: "127.0.0.1:4000",
};

const reject: LocalReply = {
  status: 429,
  details: "fairvisor_reject",
  body: new TextEncoder().encode('{"error":"rate_limited"}'),
  headers: [
    ["retry-after", "2"],
    ["ratelimit-limit", "2"],
    ["x-fairvisor-reason", "token_bucket_exceeded"],
    ["content-type", "application/json"],
    ["content-length", "24"],
  ],
  grpcStatus: -1,
};

describe("Decider", () => {
  it("gives the stream the pseudo-headers, the client headers and source.address, then finishes it", async () => {
    const w = new ScriptedWorker(0, {});
    await new Decider({ workers: [w] }).decide(input);
    expect(w.seen[0].headers).toEqual([
      [":method", "GET"],
      [":path", "/api/a?x=1"],
      [":authority", "api.example.com"],
      ["x-api-key", "demo"],
    ]);
    expect(w.seen[0].info).toEqual({ sourceAddress: "127.0.0.1:4000" });
    expect(w.seen[0].eos).toBe(true);
    expect(w.seen[0].body).toBeUndefined();
    // The allow's response is shown as a JSON 200 with more to come (the usage, at reconcile time).
    expect([w.seen[0].response, w.seen[0].responseEos]).toEqual([[[":status", "200"], ["content-type", "application/json"]], false]);
    expect(w.seen[0].finished).toBe(true);
  });

  it("a body goes to on_request_body with end of stream, after headers without it", async () => {
    const w = new ScriptedWorker(0, {});
    await new Decider({ workers: [w] }).decide({ ...input, method: "POST" }, new TextEncoder().encode('{"max_tokens":300}'));
    expect([w.seen[0].eos, w.seen[0].body]).toEqual([false, '{"max_tokens":300}']);
    const empty = new ScriptedWorker(0, {});
    await new Decider({ workers: [empty] }).decide(input, new Uint8Array(0));
    expect([empty.seen[0].eos, empty.seen[0].body]).toEqual([true, undefined]);
  });

  it("a reject decided on the body is the local reply", async () => {
    const w = new ScriptedWorker(0, { replyOnBody: reject });
    const { answer, facts } = await new Decider({ workers: [w] }).decide(input, new TextEncoder().encode("{}"));
    expect(answer.status).toBe(429);
    // No decision info from this stand-in: inferred, with the defaults that say "unknown".
    expect(facts).toEqual({
      action: "reject",
      policy: "",
      reason: "token_bucket_exceeded",
      rule: "",
      mode: "enforce",
      descriptors: [],
      reserved: 0,
      wouldReject: "",
      delayMs: 0,
      remaining: undefined,
      limiterPolicy: "",
      reservationId: "",
    });
    expect(w.seen[0].finished).toBe(true);
  });

  it("an LLM allow keeps its stream open and returns the reservation id; the delay header is the service's", async () => {
    const w = new ScriptedWorker(0, {
      allowHeaders: [["ratelimit", '"llm";r=0;t=1'], ["x-fairvisor-reservation", "r-17"], ["x-fairvisor-delay-ms", "250"]],
    });
    const { answer, facts, openStream } = await new Decider({ workers: [w] }).decide(input);
    expect(answer.headers).toEqual([["RateLimit", '"llm";r=0;t=1'], ["X-Fairvisor-Reservation", "r-17"]]);
    expect(facts).toEqual({
      action: "throttle",
      policy: "llm",
      reason: "",
      rule: "",
      mode: "enforce",
      descriptors: [],
      reserved: 0,
      wouldReject: "",
      delayMs: 250,
      remaining: undefined,
      limiterPolicy: "llm",
      reservationId: "r-17",
    });
    expect(openStream).not.toBeNull();
    expect(w.seen[0].finished).toBe(false);
  });

  it("X-Fairvisor-Decision-Info gives the facts and is dropped from the allow and the reject answer", async () => {
    const info = (action: string, reason: string, rule: string) =>
      JSON.stringify({ action, reason, mode: "enforce", policy: "tb", rule, matched: 1, would_reject: "", would_reject_policy: "", descriptors: [["header:x-api-key", "k"]], reserved: 0 });
    const allowed = await new Decider({ workers: [new ScriptedWorker(0, { allowHeaders: [["ratelimit", '"tb";r=1;t=1'], ["X-Fairvisor-Decision-Info", info("allow", "all_rules_passed", "")]] })] }).decide(input);
    expect(allowed.answer.headers).toEqual([["RateLimit", '"tb";r=1;t=1']]);
    expect(allowed.facts).toMatchObject({ action: "allow", policy: "tb", reason: "all_rules_passed", matchedPolicies: 1, descriptors: [["header:x-api-key", "k"]] });
    const replied = { ...reject, headers: [...reject.headers, ["x-fairvisor-decision-info", info("reject", "token_bucket_exceeded", "per-key")]] as HeaderList };
    const rejected = await new Decider({ workers: [new ScriptedWorker(0, { reply: replied })] }).decide(input);
    expect(rejected.answer.headers.map(([k]) => k)).toEqual(["Retry-After", "RateLimit-Limit", "X-Fairvisor-Reason", "Content-Type"]);
    expect(rejected.facts).toMatchObject({ action: "reject", policy: "tb", reason: "token_bucket_exceeded", rule: "per-key" });
  });

  it("allow: 200 with the filter's response headers in canonical case, no :status", async () => {
    const w = new ScriptedWorker(0, { allowHeaders: [["ratelimit-remaining", "1"], ["x-fairvisor-warning", "budget_warn"]] });
    const { answer } = await new Decider({ workers: [w] }).decide(input);
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual([["RateLimit-Remaining", "1"], ["X-Fairvisor-Warning", "budget_warn"]]);
    expect(answer.body.byteLength).toBe(0);
  });

  it("reject: the local reply's status, headers (canonical case, framing dropped) and body", async () => {
    const { answer } = await new Decider({ workers: [new ScriptedWorker(0, { reply: reject })] }).decide(input);
    expect(answer.status).toBe(429);
    expect(answer.headers).toEqual([
      ["Retry-After", "2"],
      ["RateLimit-Limit", "2"],
      ["X-Fairvisor-Reason", "token_bucket_exceeded"],
      ["Content-Type", "application/json"],
    ]);
    expect(new TextDecoder().decode(answer.body)).toBe('{"error":"rate_limited"}');
  });

  it("deny-status 403 turns a 429 into 403 with the same headers", async () => {
    const { answer } = await new Decider({ workers: [new ScriptedWorker(0, { reply: reject })] }, 403).decide(input);
    expect(answer.status).toBe(403);
    expect(answer.headers[0]).toEqual(["Retry-After", "2"]);
  });

  it("a trapped VM answers 503 service_unavailable and is skipped afterwards", async () => {
    const bad = new ScriptedWorker(0, { trap: true });
    const good = new ScriptedWorker(1, {});
    const decider = new Decider({ workers: [bad, good] });
    const { answer: first } = await decider.decide(input);
    expect(first.status).toBe(503);
    expect(first.headers).toContainEqual(["X-Fairvisor-Reason", "service_unavailable"]);
    expect([(await decider.decide(input)).answer.status, (await decider.decide(input)).answer.status]).toEqual([200, 200]);
    expect(bad.seen.length).toBe(1);
    expect(good.seen.length).toBe(2);
  });

  it("all VMs failed: 503 without touching a worker", async () => {
    const w = new ScriptedWorker(0, {});
    w.failed = true;
    const { answer } = await new Decider({ workers: [w] }).decide(input);
    expect(answer.status).toBe(503);
    expect(w.seen.length).toBe(0);
  });

  it("round-robin over the workers", async () => {
    const ws = [new ScriptedWorker(0, {}), new ScriptedWorker(1, {}), new ScriptedWorker(2, {})];
    const decider = new Decider({ workers: ws });
    for (let i = 0; i < 7; i++) await decider.decide(input);
    expect(ws.map((w) => w.seen.length)).toEqual([3, 2, 2]);
  });
});
