// Reading a proxy's answer during tunnel set-up: a fixed buffer (the answer can never be larger than its
// bound, whatever the proxy sends), exact reads for SOCKS5's binary replies and a blank-line search for
// HTTP's headers, each byte looked at once. Whatever ends the wait (the socket closing, an error, the
// attempt abandoned) rejects the read in progress.
import type net from 'node:net';

export class ProxyReplyReader {
  readonly #socket: net.Socket;
  readonly #buffer: Buffer;
  #length = 0;
  /** Bytes handed out by read() / readHeaders(). */
  #consumed = 0;
  /** Where readHeaders() looks next for CRLF CRLF: bytes before it were already searched. */
  #scanned = 0;
  #failure: Error | null = null;
  #connected = false;
  #wake: (() => void) | null = null;
  readonly #onData = (chunk: Buffer): void => {
    if (this.#length + chunk.length > this.#buffer.length) {
      this.#fail(new ProxyProtocolError(`answered with more than ${this.#buffer.length} bytes`));
      return;
    }
    chunk.copy(this.#buffer, this.#length);
    this.#length += chunk.length;
    this.#wake?.();
  };
  readonly #onEnd = (): void => this.#fail(new ProxyProtocolError('closed the connection'));
  readonly #onError = (error: Error): void => this.#fail(error);
  readonly #onConnect = (): void => {
    this.#connected = true;
    this.#wake?.();
  };

  constructor(socket: net.Socket, maxBytes: number) {
    this.#socket = socket;
    this.#buffer = Buffer.alloc(maxBytes);
    socket
      .on('data', this.#onData)
      .on('end', this.#onEnd)
      .on('close', this.#onEnd)
      .on('error', this.#onError);
    socket.once('connect', this.#onConnect);
  }

  /** Resolves once the socket reached the proxy. */
  connected(): Promise<void> {
    return this.#until(() => this.#connected);
  }

  /** Ends the wait in progress (and any later one) with `error`. */
  fail(error: Error): void {
    this.#fail(error);
  }

  /** The next `count` bytes of the answer. */
  async read(count: number): Promise<Buffer> {
    await this.#until(() => this.#length - this.#consumed >= count);
    const bytes = this.#buffer.subarray(this.#consumed, this.#consumed + count);
    this.#consumed += count;
    return Buffer.from(bytes);
  }

  /** The answer up to and including the first blank line (CRLF CRLF), as latin1 text. */
  async readHeaders(): Promise<string> {
    let end = -1;
    await this.#until(() => {
      // Resume 3 bytes back: the terminator may straddle two reads.
      const from = Math.max(this.#consumed, this.#scanned - 3);
      end = this.#buffer.subarray(from, this.#length).indexOf('\r\n\r\n', 0, 'latin1');
      if (end >= 0) end += from + 4;
      this.#scanned = this.#length;
      return end >= 0;
    });
    const text = this.#buffer.toString('latin1', this.#consumed, end);
    this.#consumed = end;
    return text;
  }

  /** Stops listening; true when the proxy sent nothing beyond its answer (the server never speaks first). */
  release(): boolean {
    this.#socket
      .off('data', this.#onData)
      .off('end', this.#onEnd)
      .off('close', this.#onEnd)
      .off('error', this.#onError)
      .off('connect', this.#onConnect);
    return this.#length === this.#consumed;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  #until(ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#failure) {
          this.#wake = null;
          reject(this.#failure);
        } else if (ready()) {
          this.#wake = null;
          resolve();
        }
      };
      this.#wake = check;
      check();
    });
  }
}

/** The proxy broke its own protocol (closed early, answered too much or nonsense). */
export class ProxyProtocolError extends Error {
  override readonly name = 'ProxyProtocolError';
}
