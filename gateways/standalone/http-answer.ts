// Writes a DecisionAnswer on a node:http response: the answer's headers in order, then Content-Length.
import type { ServerResponse } from "node:http";
import type { DecisionAnswer } from "./types.js";

export function writeAnswer(res: ServerResponse, answer: DecisionAnswer, head = false): void {
  const flat: string[] = [];
  for (const [k, v] of answer.headers) flat.push(k, v);
  flat.push("Content-Length", String(answer.body.byteLength));
  res.writeHead(answer.status, flat);
  res.end(head ? undefined : answer.body);
}
