// `fairvisor init` templates (spec 13: api, llm, webhook). Unlike the original's legacy-shaped templates,
// which fail its own validate (spec 13 last paragraph), each of these passes `fairvisor validate`
// (project decision 16; gateways/cli/commands/init.test.ts runs them through the wasm).

export const TEMPLATES: Record<string, object> = {
  api: {
    bundle_version: 1,
    policies: [
      {
        id: "api-per-key",
        spec: {
          selector: { pathPrefix: "/api/" },
          mode: "enforce",
          rules: [
            {
              name: "per-api-key",
              limit_keys: ["header:x-api-key"],
              algorithm: "token_bucket",
              algorithm_config: { tokens_per_second: 10, burst: 20 },
            },
          ],
        },
      },
    ],
  },
  llm: {
    bundle_version: 1,
    policies: [
      {
        id: "llm-tokens",
        spec: {
          selector: { pathPrefix: "/v1/chat/" },
          mode: "enforce",
          rules: [
            {
              name: "tokens-per-key",
              limit_keys: ["header:x-api-key"],
              algorithm: "token_bucket_llm",
              algorithm_config: {
                tokens_per_minute: 60000,
                tokens_per_day: 1000000,
                burst_tokens: 60000,
                max_tokens_per_request: 8000,
                default_max_completion: 1000,
                token_source: { estimator: "simple_word" },
              },
            },
          ],
        },
      },
    ],
  },
  webhook: {
    bundle_version: 1,
    policies: [
      {
        id: "webhook-per-ip",
        spec: {
          selector: { pathPrefix: "/webhooks/", methods: ["POST"] },
          mode: "enforce",
          rules: [
            {
              name: "per-sender",
              limit_keys: ["ip:address"],
              algorithm: "token_bucket",
              algorithm_config: { tokens_per_second: 5, burst: 50 },
            },
          ],
        },
      },
    ],
  },
};

/** The service's variables (spec 12 as this project has them: the bundle URL replaces the SaaS, decision 14). */
export const EDGE_ENV_EXAMPLE = `# fairvisor serve reads these (see README "Configuration").
FAIRVISOR_CONFIG_FILE=policy.json
FAIRVISOR_MODE=decision_service
# FAIRVISOR_BACKEND_URL=http://127.0.0.1:8081   (reverse_proxy mode)
# FAIRVISOR_BUNDLE_URL=https://bundles.example.com/policy.json
# FAIRVISOR_BUNDLE_SIGNING_KEY=
FAIRVISOR_ADMIN_TOKEN=
FAIRVISOR_EDGE_URL=http://localhost:8080
`;
