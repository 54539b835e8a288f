// Usage and help texts (spec section 13 wording for the usage lines). Only commands this build has are listed.

export const USAGE = "Usage: fairvisor <command> [options]\nRun 'fairvisor help' for command list\n";

export const HELP = `Usage: fairvisor <command> [options]

Commands:
  validate <file|->   Check a policy bundle with the wasm the gateways run
  serve [options]     Run the decision service (/v1/decision, /livez, /readyz)
  version             Print the version
  help                Show this list

serve options (environment variable in brackets):
  --config <file>            policy bundle [FAIRVISOR_CONFIG_FILE]
  --port <n>                 listen port, default 8080
  --host <addr>              listen address, default 0.0.0.0
  --workers <n>              wasm VM instances, round-robin, default 1
  --trusted-proxies <cidrs>  comma list whose X-Forwarded-For is trusted [FAIRVISOR_TRUSTED_PROXIES]
  --deny-status <code>       status of a reject: 429 (default), 403 or 401 [FAIRVISOR_DENY_STATUS]

Exit codes: 0 ok, 1 error, 3 usage error.
`;
