/**
 * The REST API as the console uses it. The credential lives in this object only (never in storage or cookies),
 * so closing or reloading the tab signs out. Every failure becomes an `ApiError` carrying the server's `code`.
 */

export interface IndexParams {
  m?: number;
  efConstruction?: number;
  efSearch?: number;
}

export interface Database {
  name: string;
  dimension: number;
  metric: 'cosine' | 'euclidean' | 'dot';
  index?: IndexParams;
  description?: string | null;
  createdAt?: string;
  vectorCount?: number;
}

export interface StoredVector {
  id: string;
  values?: number[];
  metadata?: unknown;
}

export interface SearchHit {
  id: string;
  score: number;
  metadata?: unknown;
}

export type Consistency = 'eventual' | 'strong' | { after: string };

export interface SearchRequest {
  vector: number[];
  topK: number;
  efSearch?: number;
  filter?: unknown;
  consistency?: Consistency;
  includeMetadata?: boolean;
}

export interface PartitionStatus {
  partition: number;
  nextOffset: number;
  endOffset: number;
  lag: number;
  ready: boolean;
  lastSnapshotOffset?: number;
  lastSnapshotAtMs?: number;
  lastSnapshotDurationMs?: number;
  deadLetters?: number;
  /** Dropped databases whose erasure has not reached this partition yet. */
  awaitingErasure?: { name: string; incarnation: number }[];
  /** Databases the shard holds: live vectors (`count`) and graph slots (`elementCount`). */
  databases?: { name: string; incarnation: number; count: number; elementCount: number }[];
  /** Proposed, not yet served: the partition's owner in each replica group, as a gateway's membership sees it. */
  owners?: PartitionOwner[];
}

export interface PartitionOwner {
  nodeId: string;
  replicaGroup: number;
  ready?: boolean;
  lag?: number;
}

/** An index node and its last heartbeat (received by the gateway's clock). */
export interface IndexNodeStatus {
  nodeId: string;
  replicaGroup: number;
  lastHeartbeatMs: number;
  partitions?: number[];
  url?: string;
}

export interface StatusReply {
  role: string;
  backbone: string;
  partitions: PartitionStatus[];
  databases: { name: string; vectorCount: number }[];
  nodes?: IndexNodeStatus[];
}

export interface AuditEvent {
  eventId: string;
  kind: 'intent' | 'outcome';
  timestamp: string;
  timestampMs: number;
  requestId: string;
  action: string;
  category: string;
  outcome: 'success' | 'denied' | 'error' | 'unknown';
  actor: string;
  roles: string[];
  authMethod: string;
  sourceAddress: string;
  route: string;
  database: string | null;
  recordCount: number;
  statusCode: number | null;
  latencyMs: number | null;
  errorCode: string | null;
  nodeId: string | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  database?: string;
  limit: number;
}

export interface Credential {
  kind: 'token' | 'api-key';
  secret: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server refused this identity (403): the UI says "not allowed" rather than "failed". */
  get forbidden(): boolean {
    return this.status === 403;
  }
}

/** The API root: the console is served at `<root>/console/`, so a gateway behind a path prefix works too. */
export function apiRoot(): URL {
  return new URL('../', window.location.href);
}

export class Api {
  constructor(
    private readonly credential: Credential,
    /** Called when the server no longer accepts the credential (expired token, revoked key). */
    private readonly onUnauthorized: (error: ApiError) => void = () => undefined,
  ) {}

  get kind(): Credential['kind'] {
    return this.credential.kind;
  }

  async request<T>(method: 'GET' | 'POST' | 'DELETE' | 'PATCH', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: this.credential.kind === 'token' ? `Bearer ${this.credential.secret}` : `ApiKey ${this.credential.secret}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path.replace(/^\//, ''), apiRoot()), {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        credentials: 'omit',
        cache: 'no-store',
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', `the server could not be reached (${err instanceof Error ? err.message : String(err)})`);
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const parsed: unknown = text !== '' && type.includes('json') ? JSON.parse(text) : text;
    if (!response.ok) {
      const reply = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { code?: unknown; message?: unknown };
      const error = new ApiError(
        response.status,
        typeof reply.code === 'string' ? reply.code : `HTTP_${response.status}`,
        typeof reply.message === 'string' ? reply.message : `${response.status} ${response.statusText}`,
      );
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return parsed as T;
  }

  listDatabases(): Promise<{ databases: Database[] }> {
    return this.request('GET', '/v1/databases');
  }

  getDatabase(name: string): Promise<Database> {
    return this.request('GET', `/v1/databases/${encodeURIComponent(name)}`);
  }

  createDatabase(input: { name: string; dimension: number; metric: string; index?: IndexParams; description?: string }): Promise<Database> {
    return this.request('POST', '/v1/databases', input);
  }

  dropDatabase(name: string): Promise<void> {
    return this.request('DELETE', `/v1/databases/${encodeURIComponent(name)}`);
  }

  listVectors(database: string, limit: number, cursor?: string): Promise<{ vectors: StoredVector[]; nextCursor: string | null }> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor !== undefined) query.set('cursor', cursor);
    return this.request('GET', `/v1/databases/${encodeURIComponent(database)}/vectors?${query.toString()}`);
  }

  getVector(database: string, id: string): Promise<StoredVector> {
    return this.request('GET', `/v1/databases/${encodeURIComponent(database)}/vectors/${encodeURIComponent(id)}`);
  }

  search(database: string, input: SearchRequest): Promise<{ results: SearchHit[]; tookMs: number }> {
    return this.request('POST', `/v1/databases/${encodeURIComponent(database)}/search`, input);
  }

  status(signal?: AbortSignal): Promise<StatusReply> {
    return this.request('GET', '/status', undefined, signal);
  }

  auditLog(query: AuditQuery, signal?: AbortSignal): Promise<{ events: AuditEvent[] }> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    for (const key of ['actor', 'action', 'outcome', 'database'] as const) {
      const value = query[key];
      if (value !== undefined && value !== '') params.set(key, value);
    }
    return this.request('GET', `/v1/security/audit-log?${params.toString()}`, undefined, signal);
  }

  auditLevel(): Promise<{ level: string }> {
    return this.request('GET', '/v1/security/audit-level');
  }
}
