// Proves descriptor extraction (spec 3, 3.1, 5.1-5.3): JWT decoding rules, claim-to-string conversion,
// header spellings, query decoding (project decision 7), ip keys with and without trusted geo headers
// (decision 13) and the bot classification table.
import { DescriptorExtractor, DescriptorKeys } from "../engine/descriptors";
import { decodeJwtClaims } from "../engine/jwt";
import { JwtClaims } from "../engine/jwt-claims";
import { classifyUserAgent } from "../engine/bot-classifier";
import { RequestContext } from "../engine/request-context";
import { base64UrlEncode, jwt, key } from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";

const claims = new JwtClaims();

/** Claim `name` after decoding `auth`, "<none>" without claims, "<missing>" when absent/null/nested. */
function claim(auth: string, name: string): string {
  if (!decodeJwtClaims(auth, claims)) return "<none>";
  const v = claims.scalarText(name);
  return v === null ? "<missing>" : v;
}

const ctx = new RequestContext();

/** Extracts `keyText` from `req`; "<missing>" for a missing descriptor. */
function extract(req: FakeRequest, keyText: string, trustGeo: bool = false): string {
  const keys = new DescriptorKeys();
  const id = keys.intern(key(keyText));
  const extractor = new DescriptorExtractor(keys, trustGeo);
  ctx.begin(req);
  extractor.reset();
  const v = extractor.value(id, req, ctx);
  return v === null ? "<missing>" : v;
}

describe("JWT decoding (spec 3.1)", () => {
  it("decodes the payload of a Bearer token", () => {
    expect(claim("Bearer " + jwt('{"sub":"alice","org":"acme"}'), "org")).toBe("acme");
  });
  it('needs the case-sensitive "Bearer " prefix', () => {
    expect(claim("bearer " + jwt('{"sub":"a"}'), "sub")).toBe("<none>");
    // A second space only lands in the (never decoded) JOSE header part, as in the reference.
    expect(claim("Bearer  " + jwt('{"sub":"a"}'), "sub")).toBe("a");
    expect(claim("Bearer" + jwt('{"sub":"a"}'), "sub")).toBe("<none>");
    expect(claim("Token " + jwt('{"sub":"a"}'), "sub")).toBe("<none>");
  });
  it("needs exactly two dots", () => {
    const p = base64UrlEncode('{"sub":"a"}');
    expect(claim("Bearer h." + p, "sub")).toBe("<none>");
    expect(claim("Bearer h." + p + ".s.x", "sub")).toBe("<none>");
    expect(claim("Bearer h." + p + ".", "sub")).toBe("a");
  });
  it("adds padding for lengths 2 and 3 mod 4 and accepts existing padding", () => {
    // '{"a":1}' is 7 bytes → 10 chars (≡ 2 mod 4); '{"a":12}' is 8 bytes → 11 chars (≡ 3 mod 4).
    expect(claim("Bearer h." + base64UrlEncode('{"a":1}') + ".s", "a")).toBe("1");
    expect(claim("Bearer h." + base64UrlEncode('{"a":12}') + ".s", "a")).toBe("12");
    expect(claim("Bearer h." + base64UrlEncode('{"a":1}') + "==.s", "a")).toBe("1");
  });
  it("fails a payload whose length is 1 mod 4, an empty payload and foreign characters", () => {
    expect(claim("Bearer h." + base64UrlEncode('{"a":12}') + "A.s", "a")).toBe("<none>");
    expect(claim("Bearer h..s", "a")).toBe("<none>");
    expect(claim("Bearer h.eyJh*.s", "a")).toBe("<none>");
  });
  it("maps -/_ to +// (base64url alphabet)", () => {
    // {"k":"~~~"} encodes with '_' ... and {"k":">>>"} with '-'.
    expect(claim("Bearer h." + base64UrlEncode('{"k":"~~~?"}') + ".s", "k")).toBe("~~~?");
    expect(claim("Bearer h." + base64UrlEncode('{"k":">>>"}') + ".s", "k")).toBe(">>>");
  });
  it("gives no claims for non-object payloads (decision 5)", () => {
    expect(claim("Bearer " + jwt("42"), "sub")).toBe("<none>");
    expect(claim("Bearer " + jwt("true"), "sub")).toBe("<none>");
    expect(claim("Bearer " + jwt('"text"'), "sub")).toBe("<none>");
    expect(claim("Bearer " + jwt('["sub"]'), "sub")).toBe("<none>");
    expect(claim("Bearer " + jwt("null"), "sub")).toBe("<none>");
  });
  it("converts claims to strings like Lua's tostring (spec 5.2)", () => {
    const t = "Bearer " + jwt('{"n":42,"f":1.5,"b":true,"no":false,"big":1e20,"neg":-3,"s":"x"}');
    expect(claim(t, "n")).toBe("42");
    expect(claim(t, "f")).toBe("1.5");
    expect(claim(t, "b")).toBe("true");
    expect(claim(t, "no")).toBe("false");
    expect(claim(t, "big")).toBe("1e+20");
    expect(claim(t, "neg")).toBe("-3");
    expect(claim(t, "s")).toBe("x");
  });
  it("treats nested and null claims as missing; the last duplicate wins", () => {
    const t = "Bearer " + jwt('{"o":{"a":1},"l":[1],"z":null,"d":"first","d":"second"}');
    expect(claim(t, "o")).toBe("<missing>");
    expect(claim(t, "l")).toBe("<missing>");
    expect(claim(t, "z")).toBe("<missing>");
    expect(claim(t, "d")).toBe("second");
  });
  it("falls back to the flat-object reader when JSON fails (spec 3.1 step 5)", () => {
    const t = "Bearer " + jwt('{"sub":"a", "n": 7 , "ok":true,}');
    expect(claim(t, "sub")).toBe("a");
    expect(claim(t, "n")).toBe("7");
    expect(claim(t, "ok")).toBe("true");
  });
  it("fallback: a nested value or an unknown word gives no claims", () => {
    expect(claim("Bearer " + jwt('{"a":"x", "b":{"c":1},}'), "a")).toBe("<none>");
    expect(claim("Bearer " + jwt('{"a":"x", "b":nope,}'), "a")).toBe("<none>");
    expect(claim("Bearer " + jwt('{"a":"x",'), "a")).toBe("<none>");
  });
  it("fallback: null removes the member, strings stay raw", () => {
    const t = "Bearer " + jwt('{"a":"x\\u0041", "a":null, "b":"y",}');
    expect(claim(t, "a")).toBe("<missing>");
    expect(claim(t, "b")).toBe("y");
    expect(claim("Bearer " + jwt('{"s":"x\\u0041",}'), "s")).toBe("x\\u0041");
  });
});

describe("jwt: descriptors", () => {
  it("reads a top-level claim; an empty string is missing", () => {
    const req = new FakeRequest().with("Authorization", "Bearer " + jwt('{"org":"acme","e":""}'));
    expect(extract(req, "jwt:org")).toBe("acme");
    expect(extract(req, "jwt:e")).toBe("<missing>");
    expect(extract(req, "jwt:nope")).toBe("<missing>");
  });
  it("is missing without an Authorization header", () => {
    expect(extract(new FakeRequest(), "jwt:org")).toBe("<missing>");
  });
});

describe("header: descriptors", () => {
  it("is case-insensitive", () => {
    expect(extract(new FakeRequest().with("X-Api-Key", "k"), "header:X-API-KEY")).toBe("k");
  });
  it("treats - and _ as interchangeable in both directions", () => {
    expect(extract(new FakeRequest().withRaw("x_api_key", "u"), "header:x-api-key")).toBe("u");
    expect(extract(new FakeRequest().with("x-api-key", "h"), "header:x_api_key")).toBe("h");
    expect(extract(new FakeRequest().with("x-api-key", "m"), "header:x-api_key")).toBe("m");
  });
  it("takes the first value and treats empty as missing", () => {
    expect(extract(new FakeRequest().with("x-k", "one").with("x-k", "two"), "header:x-k")).toBe("one");
    expect(extract(new FakeRequest().with("x-k", ""), "header:x-k")).toBe("<missing>");
  });
});

describe("query: descriptors (decision 7)", () => {
  it("reads the query string of the request path", () => {
    expect(extract(new FakeRequest("GET", "/x?tier=gold&b=2"), "query:tier")).toBe("gold");
    expect(extract(new FakeRequest("GET", "/x?a=1&tier=gold"), "query:tier")).toBe("gold");
  });
  it("percent-decodes, + is a space, the first value wins", () => {
    expect(extract(new FakeRequest("GET", "/x?q=a%20b+c%2Bd&q=zzz"), "query:q")).toBe("a b c+d");
    expect(extract(new FakeRequest("GET", "/x?q=%E2%82%AC"), "query:q")).toBe("€");
    expect(extract(new FakeRequest("GET", "/x?q=100%"), "query:q")).toBe("100%");
  });
  it("decodes names and keeps their case", () => {
    expect(extract(new FakeRequest("GET", "/x?my%5Fkey=v"), "query:my_key")).toBe("v");
    expect(extract(new FakeRequest("GET", "/x?Tier=gold"), "query:tier")).toBe("<missing>");
  });
  it("is missing without a query, for an empty value, and gives \"true\" for a bare name", () => {
    expect(extract(new FakeRequest("GET", "/x"), "query:q")).toBe("<missing>");
    expect(extract(new FakeRequest("GET", "/x?q="), "query:q")).toBe("<missing>");
    expect(extract(new FakeRequest("GET", "/x?q&r=1"), "query:q")).toBe("true");
  });
});

const geoReq = new FakeRequest("GET", "/", "h", "203.0.113.7")
  .with("X-Country-Code", "US").with("X-ASN", "13335").with("X-ASN-Type", "hosting").with("X-Tor-Exit", "YES");
describe("ip: descriptors", () => {
  it("ip:address is the peer address", () => {
    expect(extract(geoReq, "ip:address")).toBe("203.0.113.7");
  });
  it("ignores client geo headers unless trusted (decision 13)", () => {
    expect(extract(geoReq, "ip:country")).toBe("<missing>");
    expect(extract(geoReq, "ip:asn")).toBe("<missing>");
    expect(extract(geoReq, "ip:type")).toBe("unknown");
    expect(extract(geoReq, "ip:tor")).toBe("false");
  });
  it("reads them when trusted", () => {
    expect(extract(geoReq, "ip:country", true)).toBe("US");
    expect(extract(geoReq, "ip:asn", true)).toBe("13335");
    expect(extract(geoReq, "ip:type", true)).toBe("hosting");
    expect(extract(geoReq, "ip:tor", true)).toBe("true");
  });
  it("normalises ip:tor and defaults ip:type", () => {
    expect(extract(new FakeRequest().with("x-tor-exit", "1"), "ip:tor", true)).toBe("true");
    expect(extract(new FakeRequest().with("x-tor-exit", "no"), "ip:tor", true)).toBe("false");
    expect(extract(new FakeRequest().with("x-tor-exit", "maybe"), "ip:tor", true)).toBe("false");
    expect(extract(new FakeRequest(), "ip:tor", true)).toBe("false");
    expect(extract(new FakeRequest(), "ip:type", true)).toBe("unknown");
  });
});

function bot(ua: string): string {
  const req = new FakeRequest().with("User-Agent", ua);
  return extract(req, "ua:bot") + "/" + extract(req, "ua:bot_category");
}

describe("ua: descriptors (spec 5.3 observed table)", () => {
  it("GPTBot → ai_crawler", () => {
    expect(bot("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1; +https://openai.com/gptbot)"))
      .toBe("true/ai_crawler");
  });
  it("ChatGPT-User → ai_assistant_user", () => {
    expect(bot("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot"))
      .toBe("true/ai_assistant_user");
  });
  it("Googlebot, bingbot → search_engine", () => {
    expect(bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")).toBe("true/search_engine");
    expect(bot("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")).toBe("true/search_engine");
  });
  it("facebookexternalhit, Slackbot → social_preview", () => {
    expect(bot("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")).toBe("true/social_preview");
    expect(bot("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")).toBe("true/social_preview");
  });
  it("UptimeRobot → monitoring_uptime; AhrefsBot → seo_research; Amazonbot → other_bot", () => {
    expect(bot("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)")).toBe("true/monitoring_uptime");
    expect(bot("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)")).toBe("true/seo_research");
    expect(bot("Mozilla/5.0 (compatible; Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)")).toBe("true/other_bot");
  });
  it("HTTP clients and libraries are not bots", () => {
    const clients = ["curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1", "axios/1.6.2", "okhttp/4.12.0",
      "Wget/1.21.4", "PostmanRuntime/7.36.0", "node"];
    for (let i = 0; i < clients.length; i++) expect(bot(clients[i])).toBe("false/<missing>");
  });
  it("browsers are not bots", () => {
    expect(bot("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"))
      .toBe("false/<missing>");
    expect(bot("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"))
      .toBe("false/<missing>");
    expect(bot("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0")).toBe("false/<missing>");
  });
  it("no or empty User-Agent: both keys missing", () => {
    expect(extract(new FakeRequest(), "ua:bot")).toBe("<missing>");
    expect(bot("")).toBe("<missing>/<missing>");
  });
});

describe("bot classifier: the 15 built-in patterns and the catalogue's precedence", () => {
  it("classifies every built-in pattern", () => {
    expect(classifyUserAgent("GPTBot")).toBe("ai_crawler");
    expect(classifyUserAgent("OAI-SearchBot/1.0")).toBe("ai_crawler");
    expect(classifyUserAgent("ClaudeBot/1.0")).toBe("ai_crawler");
    expect(classifyUserAgent("Claude-Web/1.0")).toBe("ai_assistant_user");
    expect(classifyUserAgent("ChatGPT-User")).toBe("ai_assistant_user");
    expect(classifyUserAgent("meta-externalagent/1.1")).toBe("ai_crawler");
    expect(classifyUserAgent("meta-externalfetcher/1.1")).toBe("ai_crawler");
    expect(classifyUserAgent("Google-Extended")).toBe("ai_crawler");
    expect(classifyUserAgent("anthropic-ai")).toBe("ai_crawler");
    expect(classifyUserAgent("Googlebot")).toBe("search_engine");
    expect(classifyUserAgent("BINGBOT")).toBe("search_engine");
    expect(classifyUserAgent("Applebot-Extended")).toBe("search_engine");
    expect(classifyUserAgent("Amazonbot")).toBe("other_bot");
  });
  it("the catalogue wins over the built-in list: Bytespider and CCBot are search_engine", () => {
    expect(classifyUserAgent("Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)")).toBe("search_engine");
    expect(classifyUserAgent("CCBot/2.0 (https://commoncrawl.org/faq/)")).toBe("search_engine");
  });
  it("the longest pattern wins", () => {
    // "googlebot" (9) vs "google-inspectiontool" (21) in one UA.
    expect(classifyUserAgent("Googlebot Google-InspectionTool/1.0")).toBe("search_engine");
    // "slackbot" (8) vs "facebookexternalhit" (19): social both; "ahrefsbot" (9) vs "googlebot" (9): first kept.
    expect(classifyUserAgent("uptimerobot and ahrefsbot")).toBe("monitoring_uptime");
    expect(classifyUserAgent("a heritrix ia_archiver")).toBe("archiver");
    expect(classifyUserAgent("x")).toBe("");
  });
});
