// Numbers as text the way the reference engine (LuaJIT `tostring`, C "%.14g") writes them, so a
// `match` value 42 is "42", 1.5 is "1.5" and 1e20 is "1e+20" (spec 5.2). The engine must turn JWT
// claim numbers into text with this same function, so both sides of a comparison agree.

const SIGNIFICANT: i32 = 14;

export function numberToLuaString(x: f64): string {
  if (isNaN(x)) return "nan";
  if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return 1 / x < 0 ? "-0" : "0";
  // Whole numbers below 10^14 print without exponent or fraction.
  if (Math.abs(x) < 1e14 && Math.floor(x) == x) return (<i64>x).toString();

  const negative = x < 0;
  const a = Math.abs(x);
  let exp = <i32>Math.floor(Math.log10(a));
  // Scale to exactly SIGNIFICANT digits and round; two steps keep 10^k finite for subnormal inputs.
  let mantissa = scale(a, SIGNIFICANT - 1 - exp);
  if (mantissa >= 1e14) {
    exp++;
    mantissa = scale(a, SIGNIFICANT - 1 - exp);
  } else if (mantissa < 1e13) {
    exp--;
    mantissa = scale(a, SIGNIFICANT - 1 - exp);
  }
  let digits = (<u64>mantissa).toString();
  // %g drops trailing zeros of the fraction.
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) == 0x30) end--;
  digits = digits.substring(0, end);

  let out: string;
  if (exp < -4 || exp >= SIGNIFICANT) {
    out = digits.substring(0, 1);
    if (digits.length > 1) out += "." + digits.substring(1);
    const e = exp < 0 ? -exp : exp;
    out += (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e.toString();
  } else if (exp >= 0) {
    const intLen = exp + 1;
    if (digits.length <= intLen) out = digits + "0".repeat(intLen - digits.length);
    else out = digits.substring(0, intLen) + "." + digits.substring(intLen);
  } else {
    out = "0." + "0".repeat(-exp - 1) + digits;
  }
  return negative ? "-" + out : out;
}

function scale(a: f64, k: i32): f64 {
  if (k > 300) return Math.round(a * Math.pow(10, <f64>(k - 300)) * 1e300);
  if (k < -300) return Math.round(a / 1e300 / Math.pow(10, <f64>(-k - 300)));
  if (k >= 0) return Math.round(a * Math.pow(10, <f64>k));
  return Math.round(a / Math.pow(10, <f64>(-k)));
}
