// A RequestView over plain fields for specs: headers are stored lower-cased and matched exactly, like
// the host view; the first value of a repeated header wins.

import { RequestView } from "../../engine/request-view";

export class FakeRequest extends RequestView {
  private names: string[] = [];
  private values: string[] = [];
  /** The buffered body (RequestView.body()); null = not read. */
  bodyValue: ArrayBuffer | null = null;

  constructor(
    public methodValue: string = "GET",
    public pathValue: string = "/",
    public hostValue: string = "example.com",
    public peer: string = "127.0.0.1",
  ) {
    super();
  }

  /** Adds a header (name lower-cased, as hosts deliver them). Returns this for chaining. */
  with(name: string, value: string): FakeRequest {
    this.names.push(name.toLowerCase());
    this.values.push(value);
    return this;
  }

  /** Adds a header keeping the name exactly as given (e.g. `x_api_key`). */
  withRaw(name: string, value: string): FakeRequest {
    this.names.push(name);
    this.values.push(value);
    return this;
  }

  /** Sets the body to the UTF-8 bytes of `text`. */
  withBody(text: string): FakeRequest {
    this.bodyValue = String.UTF8.encode(text);
    return this;
  }

  /** Sets the body to raw bytes. */
  withBodyBytes(bytes: ArrayBuffer): FakeRequest {
    this.bodyValue = bytes;
    return this;
  }

  body(): ArrayBuffer | null {
    return this.bodyValue;
  }

  method(): string {
    return this.methodValue;
  }

  path(): string {
    return this.pathValue;
  }

  host(): string {
    return this.hostValue;
  }

  header(lowerName: string): string | null {
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] == lowerName) return this.values[i];
    }
    return null;
  }

  peerAddress(): string {
    return this.peer;
  }
}
