// Calendar arithmetic on UTC epoch seconds, without a host clock or time zone: the TPD counter key names
// the UTC day (`YYYYMMDD`, spec 5.4 / 8.3) and its reset is the next UTC midnight. Civil-from-days is
// Howard Hinnant's algorithm ("chrono-Compatible Low-Level Date Algorithms"), exact for the proleptic
// Gregorian calendar over the whole i64 day range we can be given.

const SECONDS_PER_DAY: f64 = 86400;

/** Days since 1970-01-01 (floor), for any finite epoch-seconds value; 0 for NaN/infinite input. */
export function epochDay(epochSeconds: f64): i64 {
  if (!isFinite(epochSeconds)) return 0;
  return i64(Math.floor(epochSeconds / SECONDS_PER_DAY));
}

/** Epoch seconds of the UTC midnight that ends the day containing `epochSeconds`. */
export function nextUtcMidnight(epochSeconds: f64): f64 {
  return f64(epochDay(epochSeconds) + 1) * SECONDS_PER_DAY;
}

/** `YYYYMMDD` of the UTC day containing `epochSeconds` (years before 1 or after 9999 are not padded). */
export function utcDayStamp(epochSeconds: f64): string {
  const civil = civilFromDays(epochDay(epochSeconds));
  return pad(civil >> 16, 4) + pad((civil >> 8) & 0xff, 2) + pad(civil & 0xff, 2);
}

/**
 * Calendar date of a day count since 1970-01-01 (proleptic Gregorian, Howard Hinnant's civil_from_days
 * algorithm), packed as year << 16 | month << 8 | day. Shared with assembly/policy/timestamp.ts.
 */
export function civilFromDays(days: i64): i64 {
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const dayOfEra = z - era * 146097;
  const yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const mp = (5 * dayOfYear + 2) / 153;
  const day = dayOfYear - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return (year << 16) | (month << 8) | day;
}



function pad(value: i64, width: i32): string {
  const text = value.toString();
  return text.length >= width ? text : "0".repeat(width - text.length) + text;
}
