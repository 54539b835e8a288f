// The deployed Functions v4 entry (package.json "main" of the function app): registers the handler as
// `fairvisor-decision` on route v1/decision (host.json sets routePrefix "", so the URL is /v1/decision, the
// decision service's path). authLevel "function": APIM calls it with x-functions-key.
import { app } from "@azure/functions";
import { engineFromEnv, platformLogger } from "../adapter/index.js";
import { createDecisionHandler } from "./handler.js";

export const decisionHandler = createDecisionHandler({ engine: engineFromEnv("azure"), log: platformLogger() });

app.http("fairvisor-decision", {
  methods: ["GET", "POST"],
  authLevel: "function",
  route: "v1/decision",
  handler: decisionHandler,
});
