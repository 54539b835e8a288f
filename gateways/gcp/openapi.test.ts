// openapi.yaml cannot be deployed here: parse it and check the wiring the README relies on.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const doc = parse(readFileSync(fileURLToPath(new URL("./openapi.yaml", import.meta.url)), "utf8")) as Record<string, any>;

describe("gateways/gcp/openapi.yaml", () => {
  it("sends every operation to the shim, path appended, with a Google ID token for it", () => {
    expect(doc.swagger).toBe("2.0");
    expect(doc["x-google-backend"]).toEqual({
      address: "https://REGION-PROJECT.cloudfunctions.net/fairvisor",
      path_translation: "APPEND_PATH_TO_ADDRESS",
      jwt_audience: "https://REGION-PROJECT.cloudfunctions.net/fairvisor",
      deadline: 30,
    });
    for (const path of Object.values(doc.paths) as Array<Record<string, any>>) {
      for (const op of Object.values(path)) expect(op["x-google-backend"]).toBeUndefined();
    }
  });

  it("verifies JWTs at the gateway, so X-Apigateway-Api-Userinfo carries verified claims", () => {
    expect(doc.security).toEqual([{ jwt: [] }]);
    expect(doc.securityDefinitions.jwt).toMatchObject({ type: "oauth2", "x-google-issuer": "https://issuer.example.com/" });
  });

  it("documents the 429 on every limited operation and has unique operation ids", () => {
    const ids: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths) as Array<[string, Record<string, any>]>) {
      for (const op of Object.values(ops)) {
        ids.push(op.operationId);
        if (path !== "/health") expect(op.responses["429"].description).toMatch(/^Rate limited by Fairvisor/);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
