// Proves the as-pect toolchain runs plain specs on AssemblyScript 0.28.
import { Decision, Action } from "../engine/decision";
describe("decision", () => {
  it("resets to allow", () => {
    const d = new Decision();
    d.action = Action.REJECT;
    d.addHeader("a", "b");
    d.reset();
    expect(d.action).toBe(Action.ALLOW);
    expect(d.headers.length).toBe(0);
  });
});
