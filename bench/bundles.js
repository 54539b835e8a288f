// Bundle shapes of the benchmark table (STYLE.md bench section: scenarios as a named table).

export const oneRule = {
  bundle_version: 1,
  policies: [
    {
      id: "api",
      spec: {
        selector: { pathPrefix: "/api/" },
        rules: [
          {
            name: "per-key",
            limit_keys: ["header:x-api-key"],
            algorithm: "token_bucket",
            algorithm_config: { tokens_per_second: 1e9, burst: 1e9 },
          },
        ],
      },
    },
  ],
};

/** Five rules over JWT claims, a header and the peer address. */
export const fiveRulesJwt = {
  bundle_version: 1,
  policies: [
    {
      id: "api",
      spec: {
        selector: { pathPrefix: "/api/", methods: ["GET", "POST"] },
        rules: ["jwt:sub", "jwt:org_id", "header:x-api-key", "ip:address", "jwt:plan"].map((key, i) => ({
          name: `rule-${i}`,
          limit_keys: [key],
          algorithm: "token_bucket",
          algorithm_config: { tokens_per_second: 1e9, burst: 1e9 },
        })),
      },
    },
  ],
};

function b64url(obj) {
  return Buffer.from(JSON.stringify(obj)).toString("base64url");
}

export const jwt = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: "user-42", org_id: "acme", plan: "pro", iat: 1700000000 })}.sig`;

export function requestHeaders(withJwt) {
  const headers = [
    [":method", "GET"],
    [":path", "/api/v1/items?page=2"],
    [":authority", "api.example.com"],
    ["user-agent", "bench/1.0"],
    ["accept", "application/json"],
    ["x-api-key", "key-123"],
  ];
  if (withJwt) headers.push(["authorization", `Bearer ${jwt}`]);
  return headers;
}
