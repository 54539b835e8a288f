// Proves reservation ids (reservation-id.ts) are base 36 "<vm start>.<root>.<stream>.<n>" and unique
// within a VM, even for the same stream id.
import { initReservationIds, nextReservationId } from "../filter/reservation-id";

describe("reservation ids", () => {
  it("are base 36 parts and never repeat", () => {
    initReservationIds(1772409600000000000);
    const a = nextReservationId(1, 35);
    const b = nextReservationId(1, 35);
    expect(a.startsWith((<u64>1772409600000000).toString(36) + ".1.z.")).toBe(true);
    expect(a == b).toBe(false);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(nextReservationId(2, <u32>(i % 7)));
    expect(seen.size).toBe(1000);
  });
});
