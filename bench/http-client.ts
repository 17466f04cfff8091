/** A small keep-alive HTTP client on node:http (cheaper per request than fetch) for the bench's own requests. */
import http from 'node:http';

export interface HttpReply {
  status: number;
  body: string;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(baseUrl: string, maxSockets = 64) {
    this.base = new URL(baseUrl);
    // Idle sockets close after 20 s, before the server's keep-alive timeout (Fastify: 72 s) can close them under us.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 20_000 });
  }

  request(method: string, path: string, body?: string, timeoutMs = 120_000): Promise<HttpReply> {
    return this.attempt(method, path, body, timeoutMs, 8);
  }

  private attempt(method: string, path: string, body: string | undefined, timeoutMs: number, retries: number): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as it was reused: the request never reached it, send it again
        // (as Node's documentation advises). Writes here are upserts of fixed ids, so a repeat is harmless anyway.
        if (retries > 0 && req.reusedSocket && err.code === 'ECONNRESET') resolve(this.attempt(method, path, body, timeoutMs, retries - 1));
        else reject(err);
      });
      req.end(body);
    });
  }

  /** Sends JSON and parses the reply; throws on a status outside `ok`. */
  async json<T>(method: string, path: string, body?: unknown, ok: readonly number[] = [200, 201, 204]): Promise<T> {
    const reply = await this.request(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
    if (!ok.includes(reply.status)) throw new HttpError(method, path, reply);
    return (reply.body === '' ? undefined : JSON.parse(reply.body)) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export class HttpError extends Error {
  constructor(
    method: string,
    path: string,
    readonly reply: HttpReply,
  ) {
    super(`${method} ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
}

/** Parses Prometheus text into `name{labels}` -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** Per-partition values of a gauge labelled `partition`, in partition order. */
export function partitionGauge(metrics: Map<string, number>, name: string): number[] {
  const out: number[] = [];
  for (const [key, value] of metrics) {
    const m = new RegExp(`^${name}\\{partition="(\\d+)"\\}$`).exec(key);
    if (m !== null) out[Number(m[1])] = value;
  }
  return out.map((v) => v ?? 0);
}
