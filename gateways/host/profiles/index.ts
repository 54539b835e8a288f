// Profile lookup by name (HostOptions.profile).
import { apisixProfile } from "./apisix.js";
import { envoyProfile } from "./envoy.js";
import { kongProfile } from "./kong.js";
import type { HostProfile } from "./profile.js";

export type { HostProfile } from "./profile.js";

export interface ProfileSettings {
  /** Kong: configured shm_kv zones ("*" = nginx_wasm_shm_kv's default zone). */
  shmKvZones?: readonly string[];
}

export function profileFor(name: "envoy" | "kong" | "apisix", settings: ProfileSettings = {}): HostProfile {
  switch (name) {
    case "envoy":
      return envoyProfile;
    case "kong":
      return kongProfile(settings.shmKvZones ?? []);
    case "apisix":
      return apisixProfile;
    default:
      throw new Error(`unknown host profile ${String(name)}`);
  }
}
