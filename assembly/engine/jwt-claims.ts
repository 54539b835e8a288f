// Top-level JWT claims as the engine uses them: each claim's text form (spec 5.2: 42 → "42",
// 1.5 → "1.5", true → "true") plus a kind, because `false`, `null` and nested values are treated
// differently by descriptors, `match` and the jitter identity.

export const enum ClaimKind {
  /** A string, a number or `true`: `text` is its Lua tostring form. */
  TEXT = 0,
  /** `false`: descriptor "false", but skipped by the jitter identity's `sub or user_id or uid`. */
  FALSE_VALUE = 1,
  /**
   * JSON `null`. The reference yields the accidental text "userdata: NULL"; we treat null as absent
   * everywhere (a documented deviation: an always-equal placeholder would merge unrelated callers).
   */
  NULL_VALUE = 2,
  /** An object or array: never a usable value (spec 5.2 says such a key never limits). */
  NESTED = 3,
}

@final
export class JwtClaims {
  names: string[] = [];
  texts: string[] = [];
  kinds: ClaimKind[] = [];

  clear(): void {
    this.names.length = 0;
    this.texts.length = 0;
    this.kinds.length = 0;
  }

  get count(): i32 {
    return this.names.length;
  }

  /** Sets `name`, replacing an earlier member of the same name (the last duplicate wins, as lua-cjson). */
  set(name: string, text: string, kind: ClaimKind): void {
    const i = this.indexOf(name);
    if (i >= 0) {
      unchecked((this.texts[i] = text));
      unchecked((this.kinds[i] = kind));
      return;
    }
    this.names.push(name);
    this.texts.push(text);
    this.kinds.push(kind);
  }

  /** Removes `name` (the fallback decoder's `key = nil` for a null member). */
  remove(name: string): void {
    const i = this.indexOf(name);
    if (i < 0) return;
    const last = this.names.length - 1;
    unchecked((this.names[i] = this.names[last]));
    unchecked((this.texts[i] = this.texts[last]));
    unchecked((this.kinds[i] = this.kinds[last]));
    this.names.length = last;
    this.texts.length = last;
    this.kinds.length = last;
  }

  indexOf(name: string): i32 {
    const names = this.names;
    for (let i = 0, n = names.length; i < n; i++) {
      if (unchecked(names[i]) == name) return i;
    }
    return -1;
  }

  /**
   * The claim as a string for comparisons (`match` raw-claim rule, spec 7 step 5): TEXT and FALSE give
   * their text ("" included); absent, null and nested give null.
   */
  scalarText(name: string): string | null {
    const i = this.indexOf(name);
    if (i < 0) return null;
    const kind = unchecked(this.kinds[i]);
    if (kind == ClaimKind.TEXT || kind == ClaimKind.FALSE_VALUE) return unchecked(this.texts[i]);
    return null;
  }

  /** Descriptor value (spec 5.2): like scalarText, but "" is missing too. */
  descriptorValue(name: string): string | null {
    const text = this.scalarText(name);
    if (text === null) return null;
    const value = text;
    return value.length == 0 ? null : value;
  }

  /**
   * One candidate of the jitter identity's `sub or user_id or uid` (spec 9.4): null when the claim is
   * absent, false or null (Lua's `or` skips those), "" for a nested value (the reference would print a
   * table address that changes per request; we keep the identity stable instead).
   */
  identityCandidate(name: string): string | null {
    const i = this.indexOf(name);
    if (i < 0) return null;
    const kind = unchecked(this.kinds[i]);
    if (kind == ClaimKind.TEXT) return unchecked(this.texts[i]);
    if (kind == ClaimKind.NESTED) return "";
    return null;
  }
}
