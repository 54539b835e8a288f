// The decision service as a process (bin/fairvisor.js serve, two VMs round-robin), asked the way nginx/APIM
// ask it: POST /v1/decision with X-Original-*, the client's headers, and the client in X-Forwarded-For from
// a trusted proxy (127.0.0.1, project decision 13).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawRequest, startDecisionService } from "../../gateways/decision-service.js";
import { BUNDLE_TEXT, CLIENT_IP, HOST } from "../scenario.js";
import { outcomeFromHttp, type Target, type TargetFactory } from "../target.js";

export function decisionServiceTarget(): TargetFactory {
  return async (): Promise<Target> => {
    const dir = mkdtempSync(join(tmpdir(), "fv-cross-ds-"));
    const file = join(dir, "bundle.json");
    writeFileSync(file, BUNDLE_TEXT);
    const service = await startDecisionService(["--config", file, "--workers", "2", "--trusted-proxies", "127.0.0.1/32"]);
    return {
      name: "decision-service:bin/fairvisor.js",
      async send(req) {
        const r = await rawRequest(service.port, "POST", "/v1/decision", [
          ["Host", "127.0.0.1"],
          ["X-Original-Method", req.method],
          ["X-Original-URI", req.path],
          ["X-Original-Host", HOST],
          ["X-Forwarded-For", CLIENT_IP],
          ...Object.entries(req.headers),
        ]);
        return outcomeFromHttp(r.status, r.headers);
      },
      async close() {
        await service.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}
