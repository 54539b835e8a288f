// Public surface of the JSON reader: parse text into JsonValue trees; format numbers like the reference engine.
export { JsonKind, JsonValue } from "./value";
export { JsonParseResult, parseJson, MAX_DEPTH } from "./parser";
export { numberToLuaString } from "./lua-number";
