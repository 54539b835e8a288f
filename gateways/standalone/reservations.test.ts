// ReservationBook: bounded in time and size; settled ids remembered for the TTL. The streams are stand-ins
// that only record finish(); the real wasm path is test/decision-service-llm.test.ts.
import { describe, expect, it } from "vitest";
import type { HttpStream } from "../host/types.js";
import { ReservationBook } from "./reservations.js";

function stream(log: string[], name: string): HttpStream {
  return { finish: () => log.push(name) } as unknown as HttpStream;
}

describe("ReservationBook", () => {
  it("take settles once; a second take says settled; unknown ids are unknown", () => {
    let now = 0;
    const finished: string[] = [];
    const book = new ReservationBook({ ttlMs: 1000, now: () => now });
    book.hold("a", stream(finished, "a"), "p", "/r");
    const first = book.take("a");
    expect(first.kind).toBe("open");
    expect(book.take("a")).toEqual({ kind: "settled" });
    expect(book.take("zz")).toEqual({ kind: "unknown" });
    now = 1001;
    expect(book.take("a")).toEqual({ kind: "unknown" });
    expect(finished).toEqual([]); // settling is the caller's job (it feeds the response first)
    book.close();
  });

  it("expired reservations are finished unsettled and reported", () => {
    let now = 0;
    const finished: string[] = [];
    const expired: string[] = [];
    const book = new ReservationBook({ ttlMs: 100, now: () => now, onExpired: (id, _h, why) => expired.push(`${id}:${why}`) });
    book.hold("a", stream(finished, "a"), "p", "/r");
    now = 50;
    book.hold("b", stream(finished, "b"), "p", "/r");
    now = 120;
    book.sweep();
    expect([finished, expired, book.size]).toEqual([["a"], ["a:expired"], 1]);
    expect(book.take("a")).toEqual({ kind: "unknown" });
    book.close();
    expect(finished).toEqual(["a", "b"]);
  });

  it("past the cap the oldest is evicted", () => {
    const finished: string[] = [];
    const expired: string[] = [];
    const book = new ReservationBook({ ttlMs: 10_000, cap: 2, onExpired: (id, _h, why) => expired.push(`${id}:${why}`) });
    for (const id of ["a", "b", "c"]) book.hold(id, stream(finished, id), "p", "/r");
    expect([finished, expired, book.size]).toEqual([["a"], ["a:evicted"], 2]);
    book.close();
  });
});
