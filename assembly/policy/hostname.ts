// `selector.hosts` entries (spec 2.2): validated and normalised at load. The steps follow the
// reference, with its double-dot check made to work (decision 6: `api..example.com` is refused).

/** The normalised host, or "" when the entry is not a valid hostname. */
export function normaliseSelectorHost(raw: string): string {
  // 1. trim (Lua %s) and lower-case (ASCII, as Lua's string.lower in the C locale).
  let start = 0;
  let end = raw.length;
  while (start < end && isLuaSpace(raw.charCodeAt(start))) start++;
  while (end > start && isLuaSpace(raw.charCodeAt(end - 1))) end--;
  if (start == end) return "";
  let host = asciiLower(raw.substring(start, end));
  // 2. no scheme, path, query, fragment or userinfo.
  if (host.includes("://") || host.includes("/") || host.includes("?") || host.includes("#") || host.includes("@")) {
    return "";
  }
  // 3. strip a trailing `:<digits>` port (the host part has no other colon).
  const colon = host.indexOf(":");
  if (colon > 0 && allDigits(host, colon + 1)) host = host.substring(0, colon);
  // 4. strip one trailing dot.
  if (host.endsWith(".")) host = host.substring(0, host.length - 1);
  if (host.length == 0) return "";
  // 5. ^[a-z0-9][a-z0-9.-]*$, no empty label, not ending in `.` or `-`.
  if (host.includes("..")) return "";
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (!alnum && (i == 0 || (c != 0x2e && c != 0x2d))) return "";
  }
  const last = host.charCodeAt(host.length - 1);
  if (last == 0x2e || last == 0x2d) return "";
  return host;
}

function isLuaSpace(c: i32): bool {
  return c == 0x20 || (c >= 0x09 && c <= 0x0d);
}

function allDigits(s: string, from: i32): bool {
  if (from >= s.length) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** ASCII-only lower-casing (Unicode case mapping could turn a non-ASCII letter into ASCII). */
export function asciiLower(s: string): string {
  let hasUpper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      hasUpper = true;
      break;
    }
  }
  if (!hasUpper) return s;
  const out = new Array<i32>(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    unchecked(out[i] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return String.fromCharCodes(out);
}
