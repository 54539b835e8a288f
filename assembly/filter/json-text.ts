// Minimal JSON text writer for the few JSON strings the filter emits (load reports, error bodies).

export function jsonString(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c == 34 || c == 92 || c < 0x20) {
      out += value.substring(start, i);
      if (c == 34) out += '\\"';
      else if (c == 92) out += "\\\\";
      else if (c == 10) out += "\\n";
      else if (c == 13) out += "\\r";
      else if (c == 9) out += "\\t";
      else {
        const hex = c.toString(16);
        out += "\\u" + "0000".substring(hex.length) + hex;
      }
      start = i + 1;
    }
  }
  out += value.substring(start);
  return out + '"';
}

/** A number as JSON: integers without a fraction (bundle_version 7 -> "7"). */
export function jsonNumber(value: f64): string {
  if (!isFinite(value)) return "0";
  if (value == Math.floor(value) && Math.abs(value) < 9007199254740992) return (<i64>value).toString();
  return value.toString();
}

export function jsonStringArray(values: string[]): string {
  let out = "[";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    out += jsonString(unchecked(values[i]));
  }
  return out + "]";
}
