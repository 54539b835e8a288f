// Parsing of IPv4/IPv6 text into 128-bit values and CIDR matching, for the trusted-proxy check of
// X-Forwarded-For (project decision 13). Pure and trap-free: bad text parses to `ok = false`.

@final
export class IpAddress {
  ok: bool = false;
  v6: bool = false;
  hi: u64 = 0; // first 64 bits (IPv6) or 0 (IPv4)
  lo: u64 = 0; // last 64 bits (IPv6) or the IPv4 value in the low 32 bits
}

function hexDigit(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parses dotted-quad IPv4 in s[start, end) into the low 32 bits; -1 on error. */
function parseV4(s: string, start: i32, end: i32): i64 {
  let value: u32 = 0;
  let parts = 0;
  let digits = 0;
  let octet: u32 = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 46; // virtual trailing "."
    if (c == 46) {
      if (digits == 0 || octet > 255) return -1;
      value = (value << 8) | octet;
      parts++;
      digits = 0;
      octet = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      octet = octet * 10 + <u32>(c - 48);
    } else {
      return -1;
    }
  }
  return parts == 4 ? <i64>value : -1;
}

/** Parses an IPv6 address (with optional "::" and an embedded IPv4 tail) in s[start, end). */
function parseV6(s: string, start: i32, end: i32, out: IpAddress): bool {
  const groups = new StaticArray<u32>(8);
  let count = 0;
  let gap = -1;
  let i = start;
  if (end - start >= 2 && s.charCodeAt(i) == 58 && s.charCodeAt(i + 1) == 58) {
    gap = 0;
    i += 2;
    if (i == end) {
      out.ok = true;
      out.v6 = true;
      return true;
    }
  }
  while (i < end) {
    if (count >= 8) return false;
    // An IPv4 tail takes two groups.
    let j = i;
    let sawDot = false;
    while (j < end && s.charCodeAt(j) != 58) {
      if (s.charCodeAt(j) == 46) sawDot = true;
      j++;
    }
    if (sawDot) {
      if (j != end || count > 6) return false;
      const v4 = parseV4(s, i, end);
      if (v4 < 0) return false;
      unchecked((groups[count++] = <u32>(v4 >> 16) & 0xffff));
      unchecked((groups[count++] = <u32>v4 & 0xffff));
      i = end;
      break;
    }
    const len = j - i;
    if (len < 1 || len > 4) return false;
    let g: u32 = 0;
    for (let k = i; k < j; k++) {
      const d = hexDigit(s.charCodeAt(k));
      if (d < 0) return false;
      g = (g << 4) | <u32>d;
    }
    unchecked((groups[count++] = g));
    i = j;
    if (i < end) {
      // at ':'
      if (i + 1 < end && s.charCodeAt(i + 1) == 58) {
        if (gap >= 0) return false;
        gap = count;
        i += 2;
      } else {
        i += 1;
        if (i == end) return false;
      }
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count > 7) return false;
  const full = new StaticArray<u32>(8);
  if (gap < 0) {
    for (let k = 0; k < 8; k++) unchecked((full[k] = groups[k]));
  } else {
    const tail = count - gap;
    for (let k = 0; k < gap; k++) unchecked((full[k] = groups[k]));
    for (let k = 0; k < tail; k++) unchecked((full[8 - tail + k] = groups[gap + k]));
  }
  let hi: u64 = 0;
  let lo: u64 = 0;
  for (let k = 0; k < 4; k++) hi = (hi << 16) | <u64>unchecked(full[k]);
  for (let k = 4; k < 8; k++) lo = (lo << 16) | <u64>unchecked(full[k]);
  out.ok = true;
  out.v6 = true;
  out.hi = hi;
  out.lo = lo;
  return true;
}

export function parseIp(text: string): IpAddress {
  const out = new IpAddress();
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) == 32) start++;
  while (end > start && text.charCodeAt(end - 1) == 32) end--;
  if (start == end) return out;
  if (text.indexOf(":", start) >= 0 && text.indexOf(":", start) < end) {
    parseV6(text, start, end, out);
    return out;
  }
  const v4 = parseV4(text, start, end);
  if (v4 >= 0) {
    out.ok = true;
    out.lo = <u64>v4;
  }
  return out;
}

@final
export class Cidr {
  network: IpAddress = new IpAddress();
  prefix: i32 = 0;

  contains(ip: IpAddress): bool {
    if (!ip.ok || !this.network.ok || ip.v6 != this.network.v6) return false;
    if (!ip.v6) {
      if (this.prefix == 0) return true;
      const mask: u64 = (0xffffffff << <u64>(32 - this.prefix)) & 0xffffffff;
      return (ip.lo & mask) == (this.network.lo & mask);
    }
    const p = this.prefix;
    if (p <= 64) {
      const mask: u64 = p == 0 ? 0 : u64.MAX_VALUE << <u64>(64 - p);
      return (ip.hi & mask) == (this.network.hi & mask);
    }
    if (ip.hi != this.network.hi) return false;
    const mask: u64 = u64.MAX_VALUE << <u64>(128 - p);
    return (ip.lo & mask) == (this.network.lo & mask);
  }
}

/** "10.0.0.0/8", "::1/128" or a bare address (full-length prefix); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf("/");
  const cidr = new Cidr();
  const ip = parseIp(slash < 0 ? text : text.substring(0, slash));
  if (!ip.ok) return null;
  const maxPrefix = ip.v6 ? 128 : 32;
  let prefix = maxPrefix;
  if (slash >= 0) {
    const digits = text.substring(slash + 1).trim();
    if (digits.length == 0 || digits.length > 3) return null;
    prefix = 0;
    for (let i = 0; i < digits.length; i++) {
      const c = digits.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > maxPrefix) return null;
  }
  cidr.network = ip;
  cidr.prefix = prefix;
  return cidr;
}
