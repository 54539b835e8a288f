// APIM cannot run here: the fragments are parsed as XML and checked against APIM's fragment rules
// (research/gateways.md 6: root <fragment>, no sections, no <base/>, at most 32 KB) and against what the
// README promises: the callout, its timeout, the 429 condition, the header copies, the fail policy.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";

type Node = Record<string, any>;
const read = (name: string) => readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), "utf8");
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", preserveOrder: true, commentPropName: "#comment", trimValues: true });

/** preserveOrder output → [{tag, attrs, children, text}] */
interface El { tag: string; attrs: Record<string, string>; children: El[]; text: string }
function tree(nodes: Node[]): El[] {
  const out: El[] = [];
  for (const n of nodes) {
    const tag = Object.keys(n).find((k) => k !== ":@")!;
    if (tag === "#comment" || tag === "#text") continue;
    const kids = n[tag] as Node[];
    const text = kids.filter((k) => "#text" in k).map((k) => String(k["#text"])).join("");
    out.push({ tag, attrs: (n[":@"] ?? {}) as Record<string, string>, children: tree(kids), text });
  }
  return out;
}
const parse = (name: string) => tree(parser.parse(read(name)) as Node[]);
const child = (el: El, tag: string) => el.children.filter((c) => c.tag === tag);
const all = (el: El): El[] => [el, ...el.children.flatMap(all)];
const attr = (el: El, name: string) => el.attrs[`@${name}`];

const DECISION = '((IResponse)context.Variables["fairvisorDecision"])';

describe.each(["fairvisor-fragment.xml", "fairvisor-outbound-fragment.xml"])("%s follows APIM's fragment rules", (file) => {
  it("is well-formed XML, one <fragment> root, no sections or <base/>, under 32 KB", () => {
    expect(XMLValidator.validate(read(file))).toBe(true);
    const roots = parse(file);
    expect(roots.map((r) => r.tag)).toEqual(["fragment"]);
    const tags = all(roots[0]).map((e) => e.tag);
    for (const banned of ["inbound", "backend", "outbound", "on-error", "base", "include-fragment", "policies"]) expect(tags).not.toContain(banned);
    expect(Buffer.byteLength(read(file))).toBeLessThan(32 * 1024);
  });
});

describe("fairvisor-fragment.xml", () => {
  const [fragment] = parse("fairvisor-fragment.xml");
  const [send] = child(fragment, "send-request");

  it("calls the decision URL first, with a 1 s timeout and ignore-error (a failure leaves the variable null)", () => {
    expect(fragment.children[0].tag).toBe("send-request");
    expect(send.attrs).toEqual({
      "@mode": "copy",
      "@response-variable-name": "fairvisorDecision",
      "@timeout": "1",
      "@ignore-error": "true",
    });
    // APIM's order: set-url, set-method, set-header*, set-body.
    expect(send.children.map((c) => c.tag)).toEqual(["set-url", "set-method", ...Array(7).fill("set-header"), "set-body"]);
    expect(child(send, "set-url")[0].text).toBe("{{fairvisor-decision-url}}");
    expect(child(send, "set-method")[0].text).toBe("POST");
    expect(child(send, "set-body")[0].text).toBe("@(string.Empty)");
  });

  it("forwards method, URI (path + query), host and the client IP as X-Original-*, plus the key", () => {
    const headers = Object.fromEntries(child(send, "set-header").map((h) => [attr(h, "name"), [attr(h, "exists-action"), child(h, "value")[0]?.text]]));
    expect(headers).toEqual({
      "X-Original-Method": ["override", "@(context.Request.Method)"],
      "X-Original-URI": ["override", "@(context.Request.OriginalUrl.Path + context.Request.OriginalUrl.QueryString)"],
      "X-Original-Host": ["override", "@(context.Request.OriginalUrl.Host)"],
      "X-Original-Client-IP": ["override", "@(context.Request.IpAddress)"],
      "X-Forwarded-For": ["override", "@(context.Request.IpAddress)"],
      "x-functions-key": ["override", "{{fairvisor-function-key}}"],
      "Content-Length": ["delete", undefined],
    });
  });

  const [choose] = child(fragment, "choose");
  const [failWhen, rejectWhen] = child(choose, "when");

  it("fail policy: no answer or a 5xx → 503 unless the named value fairvisor-fail-open is true", () => {
    expect(attr(failWhen, "condition")).toBe(
      `@(context.Variables.GetValueOrDefault<IResponse>("fairvisorDecision") == null || ${DECISION}.StatusCode >= 500)`,
    );
    const [inner] = child(child(failWhen, "choose")[0], "when");
    expect(attr(inner, "condition")).toBe('@("{{fairvisor-fail-open}}" != "true")');
    const [ret] = child(inner, "return-response");
    expect(child(ret, "set-status")[0].attrs).toEqual({ "@code": "503", "@reason": "Service Unavailable" });
    expect(child(ret, "set-body")[0].text).toBe('{"error":"service_unavailable"}');
  });

  it("a 429 answer → return-response 429 with Retry-After, the reason and the RateLimit headers copied, and the body", () => {
    expect(attr(rejectWhen, "condition")).toBe(`@(${DECISION}.StatusCode == 429)`);
    const [ret] = child(rejectWhen, "return-response");
    expect(child(ret, "set-status")[0].attrs).toEqual({ "@code": "429", "@reason": "Too Many Requests" });
    const copies = Object.fromEntries(child(ret, "set-header").map((h) => [attr(h, "name"), child(h, "value")[0].text]));
    expect(copies).toEqual({
      "Retry-After": `@(${DECISION}.Headers.GetValueOrDefault("Retry-After", "1"))`,
      "X-Fairvisor-Reason": `@(${DECISION}.Headers.GetValueOrDefault("X-Fairvisor-Reason", ""))`,
      RateLimit: `@(${DECISION}.Headers.GetValueOrDefault("RateLimit", ""))`,
      "RateLimit-Limit": `@(${DECISION}.Headers.GetValueOrDefault("RateLimit-Limit", ""))`,
      "RateLimit-Remaining": `@(${DECISION}.Headers.GetValueOrDefault("RateLimit-Remaining", ""))`,
      "RateLimit-Reset": `@(${DECISION}.Headers.GetValueOrDefault("RateLimit-Reset", ""))`,
      "Content-Type": "application/json",
    });
    expect(child(ret, "set-body")[0].text).toBe(`@(${DECISION}.Body.As<string>(preserveContent: true))`);
  });
});

describe("policy.xml", () => {
  it("includes the two fragments in inbound and outbound", () => {
    const [policies] = parse("policy.xml");
    const section = (name: string) => child(policies, name)[0].children.map((c) => [c.tag, attr(c, "fragment-id")]);
    expect(section("inbound")).toEqual([["base", undefined], ["include-fragment", "fairvisor"]]);
    expect(section("outbound")).toEqual([["base", undefined], ["include-fragment", "fairvisor-outbound"]]);
  });
});
