// Proves the VM configuration option max_request_body_bytes (deployment.ts): default 1 MiB, integers in
// [1, 64 MiB] accepted, anything else warned about and ignored.
import { DEFAULT_MAX_REQUEST_BODY_BYTES, parseDeployment } from "../filter/deployment";

describe("max_request_body_bytes", () => {
  it("defaults to 1 MiB", () => {
    expect(parseDeployment("").maxRequestBodyBytes).toBe(DEFAULT_MAX_REQUEST_BODY_BYTES);
    expect(parseDeployment("{}").maxRequestBodyBytes).toBe(1048576);
  });

  it("takes a positive integer", () => {
    const d = parseDeployment('{"max_request_body_bytes": 4096}');
    expect(d.maxRequestBodyBytes).toBe(4096);
    expect(d.warnings.length).toBe(0);
  });

  it("warns about and ignores anything else", () => {
    const bad = ['{"max_request_body_bytes": 0}', '{"max_request_body_bytes": -5}', '{"max_request_body_bytes": 1.5}',
      '{"max_request_body_bytes": "1024"}', '{"max_request_body_bytes": 1e12}'];
    for (let i = 0; i < bad.length; i++) {
      const d = parseDeployment(bad[i]);
      expect(d.maxRequestBodyBytes).toBe(1048576);
      expect(d.warnings.length).toBe(1);
    }
  });
});
