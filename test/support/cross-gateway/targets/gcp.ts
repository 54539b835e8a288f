// The GCP backend shim inside functions-framework's real server, in front of a tiny upstream; requests
// carry the client address the way API Gateway forwards it (X-Forwarded-For).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { http as registerHttp } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { FairvisorEngine } from "../../../../gateways/adapter/engine.js";
import { createBackendShim } from "../../../../gateways/gcp/handler.js";
import { SystemClock } from "../../../../gateways/host/index.js";
import { MemoryLogger } from "../../../../gateways/standalone/log.js";
import { fairvisorModule } from "../../fairvisor-host.js";
import { BUNDLE_TEXT, CLIENT_IP, HOST } from "../scenario.js";
import { outcomeFromHttp, type Target, type TargetFactory } from "../target.js";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

export function gcpTarget(): TargetFactory {
  return async (): Promise<Target> => {
    const upstream = createServer((req, res) => { req.resume(); req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("app ok")); });
    const upstreamPort = await listen(upstream);
    const engine = await FairvisorEngine.create({ module: fairvisorModule(), bundle: BUNDLE_TEXT, platform: "gcp", log: new MemoryLogger(), clock: new SystemClock() });
    registerHttp("fairvisor-cross", createBackendShim({ engine: async () => engine, backendUrl: `http://127.0.0.1:${upstreamPort}`, log: new MemoryLogger() }));
    const server = getTestServer("fairvisor-cross");
    const port = await listen(server);
    return {
      name: "gcp:functions-framework",
      async send(req) {
        const r = await fetch(`http://127.0.0.1:${port}${req.path}`, {
          method: req.method,
          headers: { ...req.headers, "x-forwarded-for": `${CLIENT_IP}, 35.191.0.1`, "x-forwarded-host": HOST },
        });
        await r.arrayBuffer();
        return outcomeFromHttp(r.status, [...r.headers]);
      },
      async close() {
        await Promise.all([close(server), close(upstream)]);
      },
    };
  };
}
