// Throttle (spec 8.2 staged throttle, 8.5 loop throttle) through the real module: the request is paused
// and resumed from proxy_on_tick once its delay passed (ManualClock + host.tick()), ticks run only while
// something waits, the allow carries X-Fairvisor-Warning and X-Fairvisor-Delay-Ms, and a client that
// leaves while waiting is forgotten.
import { describe, expect, it } from "vitest";
import type { HeaderList, StreamEvent } from "../gateways/host/types.js";
import { startHost, type TestHost } from "./support/fairvisor-host.js";

function costBundle(delayMs: number) {
  return {
    bundle_version: 1,
    policies: [
      {
        id: "spend",
        spec: {
          selector: { pathPrefix: "/" },
          mode: "enforce",
          rules: [
            {
              name: "budget",
              limit_keys: ["header:x-api-key"],
              algorithm: "cost_based",
              algorithm_config: {
                budget: 10,
                period: "1h",
                staged_actions: [
                  { threshold_percent: 50, action: "throttle", delay_ms: delayMs },
                  { threshold_percent: 100, action: "reject" },
                ],
              },
            },
          ],
        },
      },
    ],
  };
}

const HEADERS: HeaderList = [[":method", "GET"], [":path", "/x"], [":authority", "a"], ["x-api-key", "k"]];

function open(t: TestHost) {
  const stream = t.host.worker(0).newStream();
  const events: StreamEvent[] = [];
  stream.onEvent = (e) => events.push(e);
  const verdict = stream.onRequestHeaders(HEADERS, true).verdict;
  return { stream, events, verdict };
}

describe("throttle", () => {
  it("pauses the request and resumes it from proxy_on_tick after delay_ms", async () => {
    const t = await startHost(costBundle(200), { logLevel: "debug" });
    for (let i = 0; i < 4; i++) {
      const a = open(t);
      expect(a.verdict).toBe("continue"); // 10..40 %: allowed at once
      a.stream.finish();
    }
    const w = open(t); // 50 %: throttle
    expect(w.verdict).toBe("pause");
    expect([...t.host.workers[0].vm.contexts.values()].some((c) => c.isRoot && c.tickPeriodMs === 10)).toBe(true);
    t.clock.advance(150);
    t.host.tick();
    expect(w.events).toEqual([]);
    t.clock.advance(60);
    t.host.tick();
    expect(w.events.map((e) => e.kind)).toEqual(["continue"]);
    expect(w.events[0]).toMatchObject({ kind: "continue", side: "request" });
    w.stream.onResponseHeaders([[":status", "200"]], true);
    const headers = Object.fromEntries(w.stream.responseHeaders);
    expect(headers["x-fairvisor-warning"]).toBe("budget_throttle");
    expect(headers["x-fairvisor-delay-ms"]).toBe("200");
    w.stream.finish();
    expect(t.logs.some((l) => l.level === "debug" && /^ctx=\d+ throttle policy=spend reason=budget_throttle delay_ms=200$/.test(l.message))).toBe(true);
    // Nothing waits any more: the module cleared its root's tick period (ticks only while something waits).
    const roots = [...t.host.workers[0].vm.contexts.values()].filter((c) => c.isRoot);
    expect(roots.length).toBeGreaterThan(0);
    for (const root of roots) expect(root.tickPeriodMs).toBe(0);
  });

  it("wakes several waiting requests each at its own time", async () => {
    const t = await startHost(costBundle(100));
    for (let i = 0; i < 4; i++) open(t).stream.finish();
    const a = open(t);
    t.clock.advance(50);
    const b = open(t);
    expect([a.verdict, b.verdict]).toEqual(["pause", "pause"]);
    t.clock.advance(60);
    t.host.tick();
    expect(a.events.length).toBe(1);
    expect(b.events.length).toBe(0);
    t.clock.advance(50);
    t.host.tick();
    expect(b.events.length).toBe(1);
  });

  it("forgets a request whose client left while it waited", async () => {
    const t = await startHost(costBundle(100));
    for (let i = 0; i < 4; i++) open(t).stream.finish();
    const a = open(t);
    a.stream.finish();
    t.clock.advance(200);
    expect(() => t.host.tick()).not.toThrow();
    expect(a.events).toEqual([]);
    expect(t.host.workers[0].failed).toBe(false);
  });

  it("releases waiting requests when a reconfiguration retires the root that owned the ticks", async () => {
    const t = await startHost(costBundle(5000));
    for (let i = 0; i < 4; i++) open(t).stream.finish();
    const a = open(t);
    expect(a.verdict).toBe("pause");
    expect(t.host.configure(JSON.stringify({ ...costBundle(5000), bundle_version: 2 })).ok).toBe(true);
    expect(a.events.map((e) => e.kind)).toEqual(["continue"]);
    expect(t.host.workers[0].failed).toBe(false);
    const b = open(t); // a new wait sets the ticks again, on the new root
    expect(b.verdict).toBe("pause");
    t.clock.advance(5000);
    t.host.tick();
    expect(b.events.map((e) => e.kind)).toEqual(["continue"]);
  });
});
