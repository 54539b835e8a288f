// The evaluation engine: a compiled bundle + a request view + a clock + a counter store → a Decision.
export { Engine, EngineOptions } from "./engine";
export { Action, Decision, Reservation } from "./decision";
export { CounterStore, StoreStatus, MAX_CAS_ATTEMPTS } from "./counter-store";
export { RequestView } from "./request-view";
export * from "./reasons";
export { HEADER_WARNING, HEADER_LOOP_COUNT } from "./decision-writer";
