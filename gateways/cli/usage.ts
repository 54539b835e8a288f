// Usage and help texts (spec section 13 wording for the usage lines). Only commands this build has are listed.

export const USAGE = "Usage: fairvisor <command> [options]\nRun 'fairvisor help' for command list\n";

export const HELP = `Usage: fairvisor <command> [options]

Commands:
  init [--template=api|llm|webhook] [--force]     Write policy.json and edge.env.example here
  validate <file|->                               Check a policy bundle with the wasm the gateways run
  test <file> [--requests=<file>] [--format=table|json] [--compare=<file>]
                                                  Replay requests through the wasm (virtual clock)
  serve [options]                                 Run the decision service or reverse proxy
  status [--edge-url=URL] [--format=table|json]   Readiness, bundle version, decisions of a service
  logs [file] [--action=ACTION] [--reason=REASON] [--follow]
                                                  Filter the service's JSON log lines
  connect --push <file> [--token=T] [--edge-url=URL] | --pull <url> [--output=PATH]
                                                  Push a bundle to the admin API, or pull one
  version                                         Print the version
  help                                            Show this list

serve options (environment variable in brackets):
  --config <file>            policy bundle [FAIRVISOR_CONFIG_FILE]
  --port <n>                 listen port, default 8080
  --host <addr>              listen address, default 0.0.0.0
  --workers <n>              wasm VM instances, round-robin, default 1
  --trusted-proxies <cidrs>  comma list whose X-Forwarded-For is trusted [FAIRVISOR_TRUSTED_PROXIES]
  --deny-status <code>       status of a reject: 429 (default), 403 or 401 [FAIRVISOR_DENY_STATUS]
  --redis <url>              counters in Redis, shared by every instance [FAIRVISOR_REDIS_URL]

Environment of serve: FAIRVISOR_MODE, FAIRVISOR_BACKEND_URL, FAIRVISOR_UPSTREAM_TIMEOUT_MS,
FAIRVISOR_BUNDLE_URL, FAIRVISOR_BUNDLE_POLL_INTERVAL, FAIRVISOR_BUNDLE_SIGNING_KEY, FAIRVISOR_ADMIN_TOKEN,
FAIRVISOR_DEBUG_SESSION_SECRET, FAIRVISOR_RESERVATION_TTL_MS, FAIRVISOR_LOG_LEVEL (README "Configuration").

Exit codes: 0 ok, 1 error, 2 service unreachable, 3 usage error.
`;
