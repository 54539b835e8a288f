// A parsed JSON value (RFC 8259). One class for every kind keeps the parser allocation-light and
// lets callers walk a document without casts. Objects keep members in document order, duplicates
// included; lookups take the LAST duplicate, as lua-cjson does (the reference engine's decoder).

export const enum JsonKind {
  NULL = 0,
  BOOL = 1,
  NUMBER = 2,
  STRING = 3,
  ARRAY = 4,
  OBJECT = 5,
}

// Scalars share these empty lists instead of allocating three arrays each (JWT payloads are parsed
// per request). They must never be mutated: build containers with newArray()/newObject() and
// push()/set(), which give the value its own lists.
const EMPTY_VALUES: JsonValue[] = [];
const EMPTY_KEYS: string[] = [];

@inline
function isShared<T>(list: T): bool {
  return changetype<usize>(list) == changetype<usize>(EMPTY_VALUES) ||
    changetype<usize>(list) == changetype<usize>(EMPTY_KEYS);
}

@final
export class JsonValue {
  kind: JsonKind = JsonKind.NULL;
  bool: bool = false;
  num: f64 = 0;
  str: string = "";
  /** ARRAY items. Read-only for scalars (shared empty list). */
  items: JsonValue[] = EMPTY_VALUES;
  /** OBJECT member names and values, same length, in document order. */
  keys: string[] = EMPTY_KEYS;
  values: JsonValue[] = EMPTY_VALUES;

  static newNull(): JsonValue {
    return new JsonValue();
  }

  static newBool(b: bool): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.BOOL;
    v.bool = b;
    return v;
  }

  static newNumber(n: f64): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.NUMBER;
    v.num = n;
    return v;
  }

  static newString(s: string): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.STRING;
    v.str = s;
    return v;
  }

  static newArray(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.ARRAY;
    v.items = [];
    return v;
  }

  static newObject(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.OBJECT;
    v.keys = [];
    v.values = [];
    return v;
  }

  /** Appends an item (ARRAY values only; ignored otherwise). */
  push(item: JsonValue): void {
    if (this.kind != JsonKind.ARRAY) return;
    if (isShared(this.items)) this.items = [];
    this.items.push(item);
  }

  /** Appends a member (OBJECT values only; ignored otherwise). A repeated key shadows the earlier one. */
  set(key: string, value: JsonValue): void {
    if (this.kind != JsonKind.OBJECT) return;
    if (isShared(this.keys)) {
      this.keys = [];
      this.values = [];
    }
    this.keys.push(key);
    this.values.push(value);
  }

  /** The member named `key` of an OBJECT (the last one when repeated), or null. */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.OBJECT) return null;
    const keys = this.keys;
    const values = this.values;
    let i = min(keys.length, values.length) - 1;
    for (; i >= 0; i--) {
      if (unchecked(keys[i]) == key) return unchecked(values[i]);
    }
    return null;
  }

  has(key: string): bool {
    return this.get(key) !== null;
  }

  /** A NUMBER with no fractional part (and finite). */
  isInteger(): bool {
    if (this.kind != JsonKind.NUMBER) return false;
    const n = this.num;
    return isFinite(n) && Math.floor(n) == n;
  }

  /** Number of items (ARRAY) or members (OBJECT); 0 for scalars. */
  get size(): i32 {
    if (this.kind == JsonKind.ARRAY) return this.items.length;
    if (this.kind == JsonKind.OBJECT) return this.keys.length;
    return 0;
  }
}
