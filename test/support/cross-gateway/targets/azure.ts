// The Azure Functions v4 handler, called with @azure/functions' HttpRequest as APIM's send-request builds it
// (gateways/azure/fairvisor-fragment.xml): X-Original-*, the client's headers, the function key.
import { HttpRequest, InvocationContext } from "@azure/functions";
import { FairvisorEngine } from "../../../../gateways/adapter/engine.js";
import { createDecisionHandler } from "../../../../gateways/azure/handler.js";
import { SystemClock } from "../../../../gateways/host/index.js";
import { MemoryLogger } from "../../../../gateways/standalone/log.js";
import { fairvisorModule } from "../../fairvisor-host.js";
import { BUNDLE_TEXT, CLIENT_IP, HOST } from "../scenario.js";
import { outcomeFromHttp, type Target, type TargetFactory } from "../target.js";

export function azureTarget(): TargetFactory {
  return async (): Promise<Target> => {
    const engine = await FairvisorEngine.create({ module: fairvisorModule(), bundle: BUNDLE_TEXT, platform: "azure", log: new MemoryLogger(), clock: new SystemClock() });
    const handler = createDecisionHandler({ engine: async () => engine, log: new MemoryLogger() });
    return {
      name: "azure:function-handler",
      async send(req) {
        const request = new HttpRequest({
          method: "POST",
          url: "https://fv-func.azurewebsites.net/v1/decision",
          headers: {
            ...req.headers,
            "x-original-method": req.method,
            "x-original-uri": req.path,
            "x-original-host": HOST,
            "x-original-client-ip": CLIENT_IP,
            "x-forwarded-for": "20.0.0.9:50123",
            "x-functions-key": "key",
          },
        });
        const r = await handler(request, new InvocationContext({ functionName: "fairvisor-decision", invocationId: "x" }));
        // APIM's fragment copies these onto the client's 429 (gateways/azure/fragment.test.ts).
        return outcomeFromHttp(r.status, r.headers);
      },
      async close() {},
    };
  };
}
