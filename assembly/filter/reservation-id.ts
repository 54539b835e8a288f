// The reservation id sent to the client as `X-Fairvisor-Reservation` on an allow that reserved LLM tokens
// (DESIGN.md section 5: in decision-service mode the gateway reports usage back keyed by this id). Opaque
// to clients; unique per VM: the VM's start time, the root and stream context ids and a per-VM counter,
// each in base 36 ("<start>.<root>.<stream>.<n>"). The start time keeps ids of VMs that reuse context ids
// (another worker, a restarted VM) apart in practice.

let vmStamp: string = "0";
let counter: u64 = 0;

/** Called once at VM start with the host clock. */
export function initReservationIds(nowNs: u64): void {
  vmStamp = (nowNs / 1000).toString(36);
}

export function nextReservationId(rootId: u32, streamId: u32): string {
  counter++;
  return vmStamp + "." + (<u64>rootId).toString(36) + "." + (<u64>streamId).toString(36) + "." + counter.toString(36);
}
