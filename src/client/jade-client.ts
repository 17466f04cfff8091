/**
 * A typed client for the JadeVectorDB REST API, on the platform's `fetch` (Node's keeps connections alive and
 * pools them by default, so a long import reuses a few sockets). Every method maps to one route; errors are
 * `JadeClientError`s carrying the server's stable `code`.
 */
import { JadeClientError } from './errors';
import type {
  ApiKeyInfo,
  AuditEvent,
  AuditLevel,
  AuditLogQuery,
  AuditSettings,
  BatchWriteReply,
  CreateApiKeyRequest,
  CreatedApiKey,
  Consistency,
  CountRequest,
  CreateDatabaseRequest,
  DatabaseInfo,
  DeleteManyReply,
  ErrorReply,
  Filter,
  HealthReply,
  JsonObject,
  ListRequest,
  ReadOptions,
  ReadyReply,
  ScrollAllOptions,
  ScrollPage,
  ScrollRequest,
  SearchHit,
  SearchReply,
  SearchRequest,
  StatusReply,
  StoredVector,
  UpdateDatabaseRequest,
  VectorInput,
  WriteOptions,
  WriteReply,
} from './types';

export interface JadeClientOptions {
  /** Base URL of the REST API, e.g. `http://127.0.0.1:8080` (a path prefix behind a proxy is kept). */
  url: string;
  /** A JWT, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** An API key, sent as `Authorization: ApiKey <key>` (ignored when `token` is set). */
  apiKey?: string;
  /** Deadline of one request, reply body included; 0 disables it. Long scrolls are many requests. @default 30000 */
  timeoutMs?: number;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /** Replaces the global `fetch` (tests, proxies, custom agents). */
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Send = <T>(spec: RequestSpec) => Promise<T>;

interface RequestSpec {
  method: Method;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  idempotencyKey?: string | undefined;
  /** Statuses other than 2xx whose JSON body is an answer, not an error (`/ready` answers 503 `{ ready: false }`). */
  okStatuses?: number[];
  /** The reply is text (`/metrics`). */
  text?: boolean;
}

/** `consistency` of a GET route travels in the query string: `consistency=strong` or `after=<token>`. */
function consistencyQuery(consistency: Consistency | undefined): Record<string, string | undefined> {
  if (consistency === undefined) return {};
  if (typeof consistency === 'string') return { consistency };
  return { after: consistency.after };
}

const seg = (value: string): string => encodeURIComponent(value);

export class JadeClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  /** Create, list, read, update and drop databases. */
  readonly databases: DatabasesApi;
  /** Write, read, scroll, count and delete vectors. */
  readonly vectors: VectorsApi;
  /** API keys and the audit log (role admin). */
  readonly security: SecurityApi;

  constructor(options: JadeClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw JadeClientError.client('JADE_ERR_CLIENT_INVALID_ARGUMENT', `url ${JSON.stringify(options.url)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw JadeClientError.client('JADE_ERR_CLIENT_INVALID_ARGUMENT', `url must be http or https, got ${url.protocol}`);
    }
    this.base = url.origin + url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.headers = { accept: 'application/json', ...options.headers };
    if (options.token !== undefined && options.token !== '') this.headers.authorization = `Bearer ${options.token}`;
    else if (options.apiKey !== undefined && options.apiKey !== '') this.headers.authorization = `ApiKey ${options.apiKey}`;
    const send: Send = (spec) => this.request(spec);
    this.databases = new DatabasesApi(send);
    this.vectors = new VectorsApi(send);
    this.security = new SecurityApi(send);
  }

  /** `GET /health`: the process is up. */
  health(): Promise<HealthReply> {
    return this.request({ method: 'GET', path: '/health' });
  }

  /** `GET /ready`: `{ ready: false }` (a 503 on the wire) until every owned partition has caught up once. */
  ready(): Promise<ReadyReply> {
    return this.request({ method: 'GET', path: '/ready', okStatuses: [503] });
  }

  /** `GET /status`: databases with vector counts, and per-partition applied offsets and lag. */
  status(): Promise<StatusReply> {
    return this.request({ method: 'GET', path: '/status' });
  }

  /** `GET /metrics`: Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.request({ method: 'GET', path: '/metrics', text: true });
  }

  /** Top-k nearest neighbours, best first (the same as `vectors.search`). */
  search(db: string, request: SearchRequest): Promise<SearchReply> {
    return this.vectors.search(db, request);
  }

  /** Several searches in one request (the same as `vectors.searchBatch`). */
  searchBatch(db: string, searches: SearchRequest[]): Promise<SearchHit[][]> {
    return this.vectors.searchBatch(db, searches);
  }

  /** Sends one request; resolves with the parsed reply, or rejects with a JadeClientError. */
  private async request<T>(spec: RequestSpec): Promise<T> {
    let url = this.base + spec.path;
    const query = Object.entries(spec.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
    if (query.length > 0) url += `?${new URLSearchParams(query).toString()}`;
    const headers: Record<string, string> = { ...this.headers };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    if (spec.idempotencyKey !== undefined) headers['idempotency-key'] = spec.idempotencyKey;

    const signal = this.timeoutMs > 0 ? AbortSignal.timeout(this.timeoutMs) : undefined;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method: spec.method, headers, ...(body === undefined ? {} : { body }), ...(signal === undefined ? {} : { signal }) });
      text = await response.text();
    } catch (err) {
      throw this.transportError(err, spec);
    }

    const ok = (response.status >= 200 && response.status < 300) || (spec.okStatuses ?? []).includes(response.status);
    if (ok && spec.text === true) return text as T;
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw JadeClientError.client('JADE_ERR_CLIENT_BAD_REPLY', `${spec.method} ${spec.path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, response.status);
      }
    }
    if (ok) return parsed as T;
    if (isErrorReply(parsed)) throw JadeClientError.fromReply(parsed, retryAfter(response.headers.get('retry-after')));
    throw JadeClientError.client('JADE_ERR_CLIENT_BAD_REPLY', `${spec.method} ${spec.path} answered ${response.status} without an error body: ${text.slice(0, 200)}`, response.status);
  }

  private transportError(err: unknown, spec: RequestSpec): JadeClientError {
    const what = `${spec.method} ${this.base}${spec.path}`;
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return JadeClientError.client('JADE_ERR_CLIENT_TIMEOUT', `${what} took longer than ${this.timeoutMs} ms`, 0, err);
    }
    // undici reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND...) in `cause`.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    return JadeClientError.client('JADE_ERR_CLIENT_UNREACHABLE', `${what}: ${reason}`, 0, err);
  }
}

function isErrorReply(body: unknown): body is ErrorReply {
  return typeof body === 'object' && body !== null && typeof (body as ErrorReply).code === 'string' && typeof (body as ErrorReply).statusCode === 'number';
}

function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** `/v1/databases` */
export class DatabasesApi {
  constructor(private readonly send: Send) {}

  /** Creates a database; resolves once every shard has it (writes to it are accepted from then on). */
  create(definition: CreateDatabaseRequest): Promise<DatabaseInfo> {
    return this.send({ method: 'POST', path: '/v1/databases', body: definition });
  }

  async list(): Promise<DatabaseInfo[]> {
    return (await this.send<{ databases: DatabaseInfo[] }>({ method: 'GET', path: '/v1/databases' })).databases;
  }

  /** The definition and vector count; `JADE_ERR_DB_NOT_FOUND` when absent. */
  get(name: string): Promise<DatabaseInfo> {
    return this.send({ method: 'GET', path: `/v1/databases/${seg(name)}` });
  }

  /** Changes the description or the default efSearch. */
  update(name: string, change: UpdateDatabaseRequest): Promise<DatabaseInfo> {
    return this.send({ method: 'PATCH', path: `/v1/databases/${seg(name)}`, body: change });
  }

  /** Drops a database: its vectors are erased from every shard. */
  async drop(name: string): Promise<void> {
    await this.send({ method: 'DELETE', path: `/v1/databases/${seg(name)}` });
  }
}

/** `/v1/databases/{db}/vectors` and `/search` */
export class VectorsApi {
  constructor(private readonly send: Send) {}

  private path(db: string, rest = ''): string {
    return `/v1/databases/${seg(db)}${rest}`;
  }

  /** Upserts one vector (the server generates an id when absent). */
  upsert(db: string, vector: VectorInput, options: WriteOptions = {}): Promise<WriteReply> {
    return this.send({ method: 'POST', path: this.path(db, '/vectors'), body: vector, idempotencyKey: options.idempotencyKey });
  }

  /**
   * Upserts a batch, validated as a whole: one invalid item rejects it (`JADE_ERR_BATCH_INVALID`, naming the items)
   * and nothing is written. If the log fails midway the error's `acknowledged` lists the ids that are durable.
   */
  upsertBatch(db: string, vectors: VectorInput[], options: WriteOptions = {}): Promise<BatchWriteReply> {
    return this.send({ method: 'POST', path: this.path(db, '/vectors/batch'), body: { vectors }, idempotencyKey: options.idempotencyKey });
  }

  /** One vector; `JADE_ERR_VECTOR_NOT_FOUND` when absent. */
  get(db: string, id: string, options: ReadOptions = {}): Promise<StoredVector> {
    return this.send({ method: 'GET', path: this.path(db, `/vectors/${seg(id)}`), query: consistencyQuery(options.consistency) });
  }

  /** Vectors by id, in the order asked; missing ids are left out. */
  async getMany(db: string, ids: string[], options: ReadOptions = {}): Promise<StoredVector[]> {
    const body = { ids, ...(options.consistency === undefined ? {} : { consistency: options.consistency }) };
    return (await this.send<{ vectors: StoredVector[] }>({ method: 'POST', path: this.path(db, '/vectors/batch-get'), body })).vectors;
  }

  /** Upserts the vector with this id. */
  put(db: string, id: string, vector: { values: number[]; metadata?: JsonObject | null }, options: WriteOptions = {}): Promise<WriteReply> {
    return this.send({ method: 'PUT', path: this.path(db, `/vectors/${seg(id)}`), body: vector, idempotencyKey: options.idempotencyKey });
  }

  /** Replaces a vector's metadata, keeping its values; `JADE_ERR_VECTOR_NOT_FOUND` when absent. */
  patchMetadata(db: string, id: string, metadata: JsonObject | null, options: WriteOptions = {}): Promise<WriteReply> {
    return this.send({ method: 'PATCH', path: this.path(db, `/vectors/${seg(id)}`), body: { metadata }, idempotencyKey: options.idempotencyKey });
  }

  /** Deletes one vector (deleting an absent id succeeds). */
  delete(db: string, id: string, options: WriteOptions = {}): Promise<WriteReply> {
    return this.send({ method: 'DELETE', path: this.path(db, `/vectors/${seg(id)}`), idempotencyKey: options.idempotencyKey });
  }

  /** Deletes by ids, or every vector matching `{ filter }` (as of a strong read). */
  deleteMany(db: string, target: string[] | { filter: Filter }, options: WriteOptions = {}): Promise<DeleteManyReply> {
    const body = Array.isArray(target) ? { ids: target } : { filter: target.filter };
    return this.send({ method: 'POST', path: this.path(db, '/vectors/delete'), body, idempotencyKey: options.idempotencyKey });
  }

  /** A page of vectors in id order (`GET .../vectors`). */
  list(db: string, request: ListRequest = {}): Promise<ScrollPage> {
    return this.send({
      method: 'GET',
      path: this.path(db, '/vectors'),
      query: { limit: request.limit === undefined ? undefined : String(request.limit), cursor: request.cursor, ...consistencyQuery(request.consistency) },
    });
  }

  /** A page of vectors in id order, optionally filtered. A page never repeats an id. */
  scroll(db: string, request: ScrollRequest = {}): Promise<ScrollPage> {
    return this.send({ method: 'POST', path: this.path(db, '/vectors/scroll'), body: request });
  }

  /**
   * Every vector (matching `filter`), in id order, one page per request. A vector alive for the whole iteration
   * appears exactly once; one written or deleted meanwhile may or may not.
   */
  async *scrollAll(db: string, options: ScrollAllOptions = {}): AsyncGenerator<StoredVector, void, undefined> {
    const { pageSize = 1000, ...rest } = options;
    let cursor: string | undefined;
    do {
      const page = await this.scroll(db, { ...rest, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
      yield* page.vectors;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** How many vectors (match `filter`). */
  async count(db: string, request: CountRequest = {}): Promise<number> {
    return (await this.send<{ count: number }>({ method: 'POST', path: this.path(db, '/vectors/count'), body: request })).count;
  }

  /** Top-k nearest neighbours, best first. */
  search(db: string, request: SearchRequest): Promise<SearchReply> {
    return this.send({ method: 'POST', path: this.path(db, '/search'), body: request });
  }

  /** Several searches in one request; one result list per search, in the same order. */
  async searchBatch(db: string, searches: SearchRequest[]): Promise<SearchHit[][]> {
    return (await this.send<{ results: SearchHit[][] }>({ method: 'POST', path: this.path(db, '/search/batch'), body: { searches } })).results;
  }
}

/** `/v1/api-keys` and `/v1/security/*` (role admin). */
export class SecurityApi {
  constructor(private readonly send: Send) {}

  /** Creates an API key; the reply's `key` is the only time the secret is shown. */
  createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.send({ method: 'POST', path: '/v1/api-keys', body: request });
  }

  /** Every key, revoked ones included, never their secrets. */
  async listApiKeys(): Promise<ApiKeyInfo[]> {
    return (await this.send<{ keys: ApiKeyInfo[] }>({ method: 'GET', path: '/v1/api-keys' })).keys;
  }

  /** Revokes a key: requests with it are refused from then on. */
  async revokeApiKey(keyId: string): Promise<void> {
    await this.send({ method: 'DELETE', path: `/v1/api-keys/${seg(keyId)}` });
  }

  /** The newest audit events matching the query, newest first. */
  async auditLog(query: AuditLogQuery = {}): Promise<AuditEvent[]> {
    const since = query.since instanceof Date ? String(query.since.getTime()) : query.since === undefined ? undefined : String(query.since);
    const reply = await this.send<{ events: AuditEvent[] }>({
      method: 'GET',
      path: '/v1/security/audit-log',
      query: {
        actor: query.actor,
        action: query.action,
        outcome: query.outcome,
        database: query.database,
        since,
        limit: query.limit === undefined ? undefined : String(query.limit),
      },
    });
    return reply.events;
  }

  /** The audit level in force and the state of the audit log: its queue, what was dropped, refused or failed. */
  auditLevel(): Promise<AuditSettings> {
    return this.send({ method: 'GET', path: '/v1/security/audit-level' });
  }

  /** Changes the audit level at run time (the change itself is audited). */
  setAuditLevel(level: AuditLevel): Promise<{ level: AuditLevel }> {
    return this.send({ method: 'PUT', path: '/v1/security/audit-level', body: { level } });
  }
}
