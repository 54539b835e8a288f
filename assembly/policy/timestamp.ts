// Strict ISO-8601 UTC timestamps, the only form bundles may use (spec 2.5): exactly
// `YYYY-MM-DDTHH:MM:SSZ`, no fraction, no offset. Fields are range-checked, then the date must
// exist (the reference round-trips it through a UTC formatter, so 2026-02-30 is refused).
// Used by the loader (issued_at, expires_at, overrides, kill switches) and by the engine.
import { civilFromDays } from "../util/utc-date";

/** Returned by parseIsoUtc for anything that is not a valid timestamp. */
export const INVALID_TIMESTAMP: i64 = i64.MIN_VALUE + 1;

export const TIMESTAMP_NOT_STRING = "timestamp must be a string";
export const TIMESTAMP_BAD_FORMAT = "timestamp must be ISO8601 UTC";
export const TIMESTAMP_INVALID = "timestamp is invalid";

/** Epoch seconds of `s`, or INVALID_TIMESTAMP. */
export function parseIsoUtc(s: string): i64 {
  if (!hasShape(s)) return INVALID_TIMESTAMP;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return INVALID_TIMESTAMP;
  if (hour > 23 || minute > 59 || second > 59) return INVALID_TIMESTAMP;
  return daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second);
}

/** The reference parser's message for `s` ("" when valid), before the loader wraps it. */
export function isoUtcError(s: string): string {
  if (!hasShape(s)) return TIMESTAMP_BAD_FORMAT;
  if (parseIsoUtc(s) == INVALID_TIMESTAMP) return TIMESTAMP_INVALID;
  return "";
}

/** `YYYY-MM-DDTHH:MM:SSZ` for epoch seconds (years 0000..9999), e.g. for logs and day keys. */
export function formatIsoUtc(seconds: i64): string {
  let days = seconds / 86400;
  let rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    days -= 1;
  }
  const civil = civilFromDays(days);
  const year = <i32>(civil >> 16);
  const month = <i32>((civil >> 8) & 0xff);
  const day = <i32>(civil & 0xff);
  const r = <i32>rest;
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" +
    pad(r / 3600, 2) + ":" + pad((r / 60) % 60, 2) + ":" + pad(r % 60, 2) + "Z";
}

// `D` marks an ASCII digit (Lua's %d); every other position must hold exactly this char.
const SHAPE = "DDDD-DD-DDTDD:DD:DDZ";

function hasShape(s: string): bool {
  if (s.length != SHAPE.length) return false;
  for (let i = 0; i < SHAPE.length; i++) {
    const want = SHAPE.charCodeAt(i);
    const c = s.charCodeAt(i);
    if (want == 0x44) {
      if (c < 0x30 || c > 0x39) return false;
    } else if (c != want) return false;
  }
  return true;
}

function digits(s: string, from: i32, count: i32): i32 {
  let v = 0;
  for (let i = from; i < from + count; i++) v = v * 10 + (s.charCodeAt(i) - 0x30);
  return v;
}

function isLeap(year: i32): bool {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return isLeap(year) ? 29 : 28;
  if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
  return 31;
}

// Proleptic Gregorian calendar in 400-year eras of 146097 days, counted from 0000-03-01 so that the
// leap day falls at the end of each year (the well-known days-from-civil construction).
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y = <i64>(month <= 2 ? year - 1 : year);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yearOfEra = y - era * 400;
  const shiftedMonth = <i64>(month > 2 ? month - 3 : month + 9);
  const dayOfYear = (153 * shiftedMonth + 2) / 5 + <i64>day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function pad(v: i32, width: i32): string {
  let s = v.toString();
  while (s.length < width) s = "0" + s;
  return s;
}
