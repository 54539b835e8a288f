// Proves limiters/token-bucket-llm.ts against spec 8.3: the check order and each reject reason with its
// retry_after, limit and details; the TPM bucket (rate tpm/60, capacity burst) with the acceptance
// example (320-token requests against TPM 1,000); the TPD counter per UTC day with the TPM refund on a
// TPD reject and the rollover at midnight; reconciliation (refunds to TPM and today's TPD only, nothing
// for negative/NaN usage); failing open.
import { Reservation } from "../engine/decision";
import { BucketState } from "../limiters/bucket-state";
import { LimitOutcome, LimitResult } from "../limiters/limit-result";
import { PairState } from "../limiters/pair-state";
import {
  checkTokenBucketLlm, reconcileReservation, refundBucket, tpdKeyOf, tpmBucketConfig, tpmKeyOf,
} from "../limiters/token-bucket-llm";
import { LlmConfig } from "../policy/model";
import { llmConfig } from "./helpers/bundles";
import { MapStore } from "./helpers/map-store";

const KEY = "llm:r:acme";
const T0: f64 = 1767571200 + 3600; // 2026-01-05 01:00 UTC
const out = new LimitResult();

function check(c: LlmConfig, store: MapStore, now: f64, prompt: f64, completion: f64): void {
  checkTokenBucketLlm(c, tpmBucketConfig(c), store, KEY, now, prompt, completion, out);
}

function tokens(store: MapStore): f64 {
  const s = new BucketState();
  return s.decode(store.raw(tpmKeyOf(KEY))) ? s.tokens : -1;
}

function tpd(store: MapStore, now: f64): f64 {
  const s = new PairState();
  return s.decode(store.raw(tpdKeyOf(KEY, now))) ? s.first : -1;
}

function reservation(c: LlmConfig, reserved: f64, now: f64): Reservation {
  const r = new Reservation();
  r.tpmKey = tpmKeyOf(KEY);
  r.tpdKey = c.tokensPerDay > 0 ? tpdKeyOf(KEY, now) : "";
  r.reserved = reserved;
  const b = tpmBucketConfig(c);
  r.tpmRatePerSecond = b.tokensPerSecond;
  r.tpmBurst = b.burst;
  return r;
}

describe("token_bucket_llm keys", () => {
  it("names the TPM bucket and the per-UTC-day TPD counter", () => {
    expect(tpmKeyOf(KEY)).toBe("tpm:llm:r:acme");
    expect(tpdKeyOf(KEY, T0)).toBe("tpd:llm:r:acme:20260105");
    expect(tpdKeyOf("shadow:llm:r:acme", T0 - 3601)).toBe("tpd:shadow:llm:r:acme:20260104");
  });
  it("derives the TPM bucket: rate tpm/60, capacity burst_tokens", () => {
    const c = llmConfig(600);
    c.burstTokens = 900;
    const b = tpmBucketConfig(c);
    expect(b.tokensPerSecond).toBe(10);
    expect(b.burst).toBe(900);
  });
});

describe("token_bucket_llm per-request caps", () => {
  it("prompt_tokens_exceeded: no retry_after, limit = tpm, nothing stored", () => {
    const store = new MapStore();
    const c = llmConfig(1000);
    c.maxPromptTokens = 100;
    check(c, store, T0, 100, 50);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    check(c, store, T0, 101, 50);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("prompt_tokens_exceeded");
    expect(out.hasRetryAfter).toBe(false);
    expect(out.hasLimit).toBe(true);
    expect(out.limit).toBe(1000);
    expect(out.hasRemaining).toBe(false);
    expect(out.details).toBe("{\"reason\":\"prompt_tokens_exceeded\",\"limit\":100,\"requested\":101}");
    expect(tokens(store)).toBe(850); // only the allowed request took tokens
  });
  it("max_tokens_per_request_exceeded on prompt + completion", () => {
    const store = new MapStore();
    const c = llmConfig(1000);
    c.maxTokensPerRequest = 500;
    check(c, store, T0, 100, 401);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("max_tokens_per_request_exceeded");
    expect(out.details).toBe("{\"reason\":\"max_tokens_per_request_exceeded\",\"limit\":500,\"requested\":501}");
    expect(store.size).toBe(0);
    check(c, store, T0, 100, 400);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
  });
  it("checks the prompt cap before the total cap", () => {
    const c = llmConfig(1000);
    c.maxPromptTokens = 10;
    c.maxTokensPerRequest = 10;
    check(c, new MapStore(), T0, 11, 100);
    expect(out.reason).toBe("prompt_tokens_exceeded");
  });
});

describe("token_bucket_llm TPM", () => {
  it("acceptance: TPM 1,000, 320 per request: three admitted, the fourth tpm_exceeded", () => {
    const store = new MapStore();
    const c = llmConfig(1000);
    for (let i = 0; i < 3; i++) {
      check(c, store, T0, 20, 300);
      expect(out.outcome).toBe(LimitOutcome.ALLOW);
      expect(out.hasLimit).toBe(false);
    }
    expect(tokens(store)).toBe(40);
    check(c, store, T0, 20, 300);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("tpm_exceeded");
    expect(out.retryAfter).toBe(17); // ceil((320 - 40) / (1000/60)) = ceil(16.8)
    expect(out.limit).toBe(1000);
    expect(out.details).toBe("{\"reason\":\"tpm_exceeded\",\"limit\":1000,\"requested\":320}");
  });
  it("refills at tpm/60 per second", () => {
    const store = new MapStore();
    const c = llmConfig(600); // 10 per second
    check(c, store, T0, 0, 600);
    check(c, store, T0 + 3, 0, 30);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    check(c, store, T0 + 3, 0, 1);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(1);
  });
  it("fails open when the store is unavailable", () => {
    const store = new MapStore();
    store.unavailable = true;
    check(llmConfig(1000, 5000), store, T0, 10, 10);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
  });
});

describe("token_bucket_llm TPD", () => {
  it("tpd_exceeded: the TPD counter is not charged and the TPM reservation is refunded", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 700);
    check(c, store, T0, 20, 300);
    check(c, store, T0, 20, 300);
    expect(tpd(store, T0)).toBe(640);
    expect(tokens(store)).toBe(360);
    check(c, store, T0, 20, 300);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("tpd_exceeded");
    expect(out.retryAfter).toBe(82800); // next UTC midnight - 01:00
    expect(out.limit).toBe(700);
    expect(out.details).toBe("{\"reason\":\"tpd_exceeded\",\"limit\":700,\"requested\":320}");
    expect(tpd(store, T0)).toBe(640);
    expect(tokens(store)).toBe(360);
  });
  it("rolls over at UTC midnight: a new day's counter", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 320);
    const lateNight = T0 + 82799; // 23:59:59
    check(c, store, lateNight, 20, 300);
    check(c, store, lateNight + 0.5, 0, 1);
    expect(out.reason).toBe("tpd_exceeded");
    expect(out.retryAfter).toBe(1); // max(1, ceil(0.5))
    check(c, store, T0 + 82800, 0, 1); // 00:00:00 next day
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(tpd(store, T0 + 82800)).toBe(1);
    expect(store.keys().join(",")).toBe("tpd:llm:r:acme:20260105,tpd:llm:r:acme:20260106,tpm:llm:r:acme");
  });
  it("a TPD store failure fails open after the TPM check (spec 8.3)", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 700);
    store.unavailablePrefix = "tpd:";
    check(c, store, T0, 1, 1);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(tokens(store)).toBe(998);
  });
});

describe("token_bucket_llm reconciliation", () => {
  it("refunds reserved - actual to the TPM bucket and today's TPD counter", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 5000);
    check(c, store, T0, 20, 300);
    const refunded = reconcileReservation(reservation(c, 320, T0), 20, 100, T0, store);
    expect(refunded).toBe(200);
    expect(tokens(store)).toBe(880);
    expect(tpd(store, T0)).toBe(120);
  });
  it("caps the TPM refund at burst after refilling", () => {
    const store = new MapStore();
    const c = llmConfig(600);
    check(c, store, T0, 0, 100); // 500 left
    reconcileReservation(reservation(c, 100, T0), 0, 0, T0 + 5, store); // +50 refill, +100 refund
    expect(tokens(store)).toBe(600);
  });
  it("leaves yesterday's TPD counter alone", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 5000);
    check(c, store, T0, 20, 300);
    const r = reservation(c, 320, T0);
    expect(reconcileReservation(r, 20, 0, T0 + 86400, store)).toBe(300);
    expect(tpd(store, T0)).toBe(320);
  });
  it("refunds nothing for usage at or above the reservation, negative or NaN", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 5000);
    check(c, store, T0, 20, 300);
    const r = reservation(c, 320, T0);
    expect(reconcileReservation(r, 20, 300, T0, store)).toBe(0);
    expect(reconcileReservation(r, 400, 0, T0, store)).toBe(0);
    expect(reconcileReservation(r, -5, 10, T0, store)).toBe(0);
    expect(reconcileReservation(r, 10, NaN, T0, store)).toBe(0);
    expect(tokens(store)).toBe(680);
    expect(tpd(store, T0)).toBe(320);
  });
  it("a refund to a missing bucket writes nothing (a missing bucket is full)", () => {
    const store = new MapStore();
    expect(refundBucket(store, "tpm:none", 10, 1, 100, T0)).toBe(true);
    expect(store.size).toBe(0);
  });
  it("the TPD counter never goes below 0", () => {
    const store = new MapStore();
    const c = llmConfig(1000, 5000);
    check(c, store, T0, 0, 10);
    const r = reservation(c, 500, T0);
    reconcileReservation(r, 0, 0, T0, store);
    expect(tpd(store, T0)).toBe(0);
  });
});
