// Process signals for `fairvisor serve`: SIGHUP forces a reload (the original's rollback path, spec 2.7;
// a broken file is still refused and the last good bundle kept, project decision 12); SIGTERM/SIGINT stop
// gracefully. Kept apart from the service so tests can run several services in one process.
import type { DecisionService } from "./service.js";

/** Returns the function that removes the handlers; `service.closed` tells when a stop has finished. */
export function installSignalHandlers(service: DecisionService): () => void {
  const onHup = () => void service.reload({ force: true });
  const onStop = () => void service.stop();
  process.on("SIGHUP", onHup);
  process.on("SIGTERM", onStop);
  process.on("SIGINT", onStop);
  return () => {
    process.off("SIGHUP", onHup);
    process.off("SIGTERM", onStop);
    process.off("SIGINT", onStop);
  };
}
