// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{verb}/{resource...}` (research/gateways.md 4.1).
// A TOKEN authorizer sees nothing else of the request, so its method, path and host come from here.

export interface MethodArn {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  method: string;
  /** "/" + the resource part, e.g. "/pets/42"; "/" for the root resource. */
  path: string;
}

export function parseMethodArn(arn: string): MethodArn | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts[2] !== "execute-api") return null;
  const target = parts.slice(5).join(":").split("/");
  if (target.length < 3 || !target[0] || !target[1] || !target[2]) return null;
  return {
    region: parts[3],
    accountId: parts[4],
    apiId: target[0],
    stage: target[1],
    method: target[2],
    path: "/" + target.slice(3).join("/"),
  };
}

/** The API's default endpoint host, the only host a TOKEN authorizer can know. */
export function defaultHost(arn: MethodArn): string {
  return `${arn.apiId}.execute-api.${arn.region}.amazonaws.com`;
}
