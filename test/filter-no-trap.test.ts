// "No input may trap the module": random requests and random bundles through the real module (fast-check).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { send, startHost } from "./support/fairvisor-host.js";
import { readFileSync, readdirSync } from "node:fs";

const FIXTURES = new URL("../../shared/fixtures/fairvisor-examples/", import.meta.url);

const jwtPart = fc.oneof(
  fc.string(),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
);
const headerValue = fc.oneof(fc.string(), fc.constant(""), fc.stringMatching(/^[\x20-\x7e]{0,200}$/));

describe("the module never traps", () => {
  it("on random requests against every example bundle", async () => {
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
      const t = await startHost(readFileSync(new URL(file, FIXTURES), "utf8"));
      fc.assert(
        fc.property(
          fc.record({
            method: fc.constantFrom("GET", "POST", "get", "", "PATCH"),
            path: fc.oneof(fc.string(), fc.webPath(), fc.constantFrom("/", "//", "/api/x?y=%zz", "/v1/chat/completions")),
            authority: fc.oneof(fc.domain(), fc.string()),
            auth: fc.tuple(jwtPart, jwtPart, jwtPart).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
            key: headerValue,
            xff: headerValue,
            ua: headerValue,
            source: fc.oneof(fc.ipV4().map((ip) => `${ip}:1234`), fc.ipV6().map((ip) => `[${ip}]:1`), fc.string()),
          }),
          (r) => {
            const a = send(t, {
              method: r.method,
              path: r.path,
              authority: r.authority,
              sourceAddress: r.source,
              headers: { authorization: r.auth, "x-api-key": r.key, "x-forwarded-for": r.xff, "user-agent": r.ua },
            });
            expect([200, 429]).toContain(a.status);
          },
        ),
        { numRuns: 150 },
      );
      expect(t.host.worker(0).failed, file).toBe(false);
    }
  });

  it("on random bundle texts", async () => {
    const t = await startHost(undefined);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ bundle_version: 1, policies: [v] }))), (text) => {
        t.host.configure(text);
        expect(t.host.worker(0).failed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
