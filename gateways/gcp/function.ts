// The deployed entry point: registers the shim with functions-framework as `fairvisor`
// (`--entry-point=fairvisor` / `--target=fairvisor`). Configuration from the environment:
//   FAIRVISOR_BACKEND_URL (required), FAIRVISOR_BUNDLE or FAIRVISOR_CONFIG_FILE, FAIRVISOR_CLIENT_HOP_FROM_RIGHT.
// The engine (compiled wasm + bundle) is built on the first request of an instance and then reused.
import { http } from "@google-cloud/functions-framework";
import { engineFromEnv, platformLogger } from "../adapter/index.js";
import { createBackendShim } from "./handler.js";

const backendUrl = process.env.FAIRVISOR_BACKEND_URL;
if (!backendUrl) throw new Error("FAIRVISOR_BACKEND_URL must be set (the real backend the shim forwards to)");
const hop = process.env.FAIRVISOR_CLIENT_HOP_FROM_RIGHT;

export const fairvisor = createBackendShim({
  engine: engineFromEnv("gcp"),
  backendUrl,
  log: platformLogger(),
  clientHopFromRight: hop === undefined || hop === "" ? undefined : Number(hop),
});

http("fairvisor", fairvisor);
