// The evaluation engine: a compiled bundle + a request view + a clock + a counter store → a Decision.
export { Engine, EngineOptions } from "./engine";
export { Action, Decision } from "./decision";
export { CounterStore, StoreStatus, MAX_CAS_ATTEMPTS } from "./counter-store";
export { RequestView } from "./request-view";
