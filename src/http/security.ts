/**
 * Authentication, authorisation and audit for every REST request.
 *
 * Each route declares `config: { access, action }`. `onRequest` authenticates (`Authorization: Bearer <jwt>` or
 * `ApiKey <key>`) and authorises (role and database scope) everything but public routes; `preHandler` records a
 * write's audit intent, durable before the handler produces anything (after taking a slot in the audit queue for
 * its outcome: refused with 503 when fail-closed and the audit log cannot take it); `onResponse` records exactly one
 * outcome event per request, denied and failed ones included.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jadeError } from '../errors';
import type { ApiKeyStore } from '../security/api-keys';
import type { AuditCategory, AuditLog, AuditReservation } from '../security/audit';
import type { JwtVerification } from '../security/jwt';
import { ANONYMOUS, authorize, parseGrants, type Access, type Principal } from '../security/principal';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs: `public`, `read`, `write` or `admin`. Routes without it need `admin`. */
    access?: Access;
    /** Audit action name, e.g. `vectors.upsert`. */
    action?: string;
  }
  interface FastifyRequest {
    principal: Principal;
    jadeErrorCode: string | null;
    /** The slot in the audit queue this request's outcome event is written with (src/security/audit.ts). */
    auditReservation: AuditReservation | undefined;
  }
}

export interface SecurityOptions {
  /** Off: every request runs as an admin (`JADE_AUTH=off`, for local experiments only). */
  enabled: boolean;
  jwt?: JwtVerification;
  apiKeys?: ApiKeyStore;
  audit: AuditLog;
  metricsPublic: boolean;
}

const OPEN_PRINCIPAL: Principal = { subject: 'anonymous', roles: ['admin'], databases: '*', method: 'none' };

export async function installSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  if (options.enabled && options.jwt !== undefined) {
    await app.register(fastifyJwt, {
      // A public key verifies only: given as the plain secret, @fastify/jwt would try to sign with it and refuse to start.
      secret: options.jwt.secret ?? { public: options.jwt.key },
      verify: { algorithms: options.jwt.algorithms, requiredClaims: ['exp', 'sub'] },
    });
  }
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('auditReservation', undefined);

  app.addHook('onRequest', async (request) => {
    request.principal = ANONYMOUS;
    const access = accessOf(request, options.metricsPublic);
    if (access === 'public') return;
    if (!options.enabled) {
      request.principal = OPEN_PRINCIPAL;
      return;
    }
    request.principal = await authenticate(request, options);
    authorize(request.principal, access, databaseOf(request));
  });

  app.addHook('preHandler', async (request, reply) => {
    const access = accessOf(request, options.metricsPublic);
    // HEAD is a GET without its body: a read, with no intent to record.
    if (request.method === 'GET' || request.method === 'HEAD' || (access !== 'write' && access !== 'admin')) return;
    const category = access === 'write' ? 'write' : 'admin';
    // Fail-closed, refused (503) unless the audit log can take its outcome event; held until the outcome is queued.
    const reservation = options.audit.admit(category);
    if (reservation !== undefined) {
      request.auditReservation = reservation;
      // A reply that never finishes (its connection closed first) may end without onResponse: the slot must not stay
      // taken. One that finished has its outcome queued by onResponse, with the slot.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) options.audit.release(reservation);
      });
    }
    await options.audit.intent(eventFor(request, category, null, null));
  });

  app.addHook('onResponse', (request, reply, done) => {
    const access = accessOf(request, options.metricsPublic);
    const status = reply.statusCode;
    const category: AuditCategory =
      status === 401 ? 'authentication' : status === 403 ? 'authorization' : access === 'admin' ? 'admin' : access === 'write' ? 'write' : 'read';
    // A change of the audit level is recorded whatever the level, turning it off included.
    const always = request.routeOptions.config.action === 'audit_level.set';
    options.audit.outcome(eventFor(request, category, status, reply.elapsedTime), { always, reservation: request.auditReservation });
    done();
  });
}

function accessOf(request: FastifyRequest, metricsPublic: boolean): Access {
  const config = request.routeOptions.config;
  // Unknown routes answer 404 to everyone: there is nothing behind them to protect.
  if (request.routeOptions.url === undefined) return 'public';
  if (metricsPublic && request.routeOptions.url === '/metrics') return 'public';
  // The API documentation's own pages and assets.
  if (request.routeOptions.url.startsWith('/docs')) return 'public';
  return config.access ?? 'admin';
}

function databaseOf(request: FastifyRequest): string | undefined {
  const params = request.params as { db?: unknown } | undefined;
  return typeof params?.db === 'string' ? params.db : undefined;
}

async function authenticate(request: FastifyRequest, options: SecurityOptions): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw jadeError('JADE_ERR_AUTH_REQUIRED', ['credentials required: send Authorization: Bearer <token> or Authorization: ApiKey <key>']);
  }
  if (header.startsWith('ApiKey ')) {
    if (options.apiKeys === undefined) throw jadeError('JADE_ERR_AUTH_INVALID', ['API keys are not enabled']);
    return options.apiKeys.authenticate(header.slice('ApiKey '.length).trim());
  }
  if (!header.startsWith('Bearer ') || options.jwt === undefined) throw jadeError('JADE_ERR_AUTH_INVALID', ['unsupported authorization scheme']);
  let claims: { sub?: unknown; roles?: unknown; databases?: unknown };
  try {
    claims = await request.jwtVerify();
  } catch (err) {
    throw jadeError('JADE_ERR_AUTH_INVALID', [tokenProblem(err)], { cause: err });
  }
  const grants = parseGrants(claims.roles, claims.databases ?? '*');
  if (typeof claims.sub !== 'string' || grants === undefined) {
    throw jadeError('JADE_ERR_AUTH_INVALID', ['the token needs sub, roles (admin, writer, reader) and databases (a list or "*")']);
  }
  return { subject: claims.sub, ...grants, method: 'jwt' };
}

function tokenProblem(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  if (code.includes('EXPIRED')) return 'the token has expired';
  if (code.includes('INACTIVE')) return 'the token is not valid yet';
  if (code.includes('MISSING_REQUIRED_CLAIM')) return 'the token lacks a required claim (sub, exp)';
  if (code.includes('INVALID_ALGORITHM') || code.includes('ALGORITHM')) return 'the token is signed with an algorithm this server does not accept';
  if (code.includes('INVALID_SIGNATURE')) return 'the token signature does not verify';
  return 'the token is malformed';
}

function recordCount(request: FastifyRequest): number {
  const body = request.body as { vectors?: unknown[]; ids?: unknown[]; searches?: unknown[] } | undefined;
  if (body !== undefined && body !== null && typeof body === 'object') {
    if (Array.isArray(body.vectors)) return body.vectors.length;
    if (Array.isArray(body.ids)) return body.ids.length;
    if (Array.isArray(body.searches)) return body.searches.length;
  }
  return request.routeOptions.url?.includes('/vectors') === true || request.routeOptions.url?.endsWith('/search') === true ? 1 : 0;
}

function eventFor(request: FastifyRequest, category: AuditCategory, status: number | null, latencyMs: number | null) {
  const principal = request.principal ?? ANONYMOUS;
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0] ?? ''}`;
  return {
    kind: 'outcome' as const,
    requestId: request.id,
    action: request.routeOptions.config.action ?? (request.routeOptions.url === undefined ? 'route.unknown' : route),
    category,
    outcome: status === null ? ('unknown' as const) : status === 401 || status === 403 ? ('denied' as const) : status < 400 ? ('success' as const) : ('error' as const),
    actor: principal.subject,
    roles: principal.roles,
    authMethod: principal.method,
    sourceAddress: request.ip,
    route,
    database: databaseOf(request) ?? null,
    recordCount: recordCount(request),
    statusCode: status,
    latencyMs: latencyMs === null ? null : Math.round(latencyMs * 1000) / 1000,
    errorCode: request.jadeErrorCode ?? null,
  };
}

