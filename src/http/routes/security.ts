/** `/v1/api-keys` and `/v1/security/*`: API keys, the audit log and the audit level (admin only). */
import type { FastifyInstance } from 'fastify';
import { jadeError } from '../../errors';
import type { ApiKeyStore } from '../../security/api-keys';
import type { AuditLevel, AuditLog, AuditLogReader } from '../../security/audit';
import { ROLES, parseGrants, type Role } from '../../security/principal';
import { DATABASE_NAME, ERROR_REPLY } from '../schemas';

export interface SecurityRoutesOptions {
  apiKeys: ApiKeyStore;
  audit: AuditLog;
  auditReader: AuditLogReader;
}

const KEY_INFO = {
  type: 'object',
  properties: {
    keyId: { type: 'string' },
    name: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } },
    databases: {},
    expiresAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    revoked: { type: 'boolean' },
  },
} as const;
const errors = { 400: ERROR_REPLY, 401: ERROR_REPLY, 403: ERROR_REPLY, 404: ERROR_REPLY, 503: ERROR_REPLY };

export function securityRoutes(app: FastifyInstance, { apiKeys, audit, auditReader }: SecurityRoutesOptions): void {
  app.post<{ Body: { name?: string; roles: Role[]; databases: string[] | '*'; expiresInSeconds?: number } }>(
    '/v1/api-keys',
    {
      config: { access: 'admin', action: 'api_keys.create' },
      schema: {
        tags: ['security'],
        operationId: 'createApiKey',
        summary: 'Create an API key. The key is in this reply only; the server keeps its hash.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['roles', 'databases'],
          properties: {
            name: { type: 'string', maxLength: 200 },
            roles: { type: 'array', minItems: 1, items: { type: 'string', enum: [...ROLES] } },
            databases: { oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: DATABASE_NAME }] },
            expiresInSeconds: { type: 'integer', minimum: 1, maximum: 10 * 365 * 86_400 },
          },
        },
        response: { 201: { ...KEY_INFO, properties: { ...KEY_INFO.properties, key: { type: 'string' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const grants = parseGrants(request.body.roles, request.body.databases);
      if (grants === undefined) throw jadeError('JADE_ERR_REQUEST_INVALID', ['roles and databases are invalid']);
      const created = await apiKeys.create(
        {
          name: request.body.name ?? null,
          ...grants,
          expiresAtMs: request.body.expiresInSeconds === undefined ? null : Date.now() + request.body.expiresInSeconds * 1000,
        },
        request.principal.subject,
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/api-keys',
    { config: { access: 'admin', action: 'api_keys.list' }, schema: { tags: ['security'], operationId: 'listApiKeys', summary: 'List API keys (never their secrets).', response: { 200: { type: 'object', properties: { keys: { type: 'array', items: KEY_INFO } } } } } },
    () => ({ keys: apiKeys.list() }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/api-keys/:id',
    {
      config: { access: 'admin', action: 'api_keys.revoke' },
      schema: { tags: ['security'], operationId: 'revokeApiKey', summary: 'Revoke an API key.', params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } }, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      await apiKeys.revoke(request.params.id, request.principal.subject);
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: { actor?: string; action?: string; outcome?: string; database?: string; since?: string; limit?: string } }>(
    '/v1/security/audit-log',
    {
      config: { access: 'admin', action: 'audit_log.read' },
      schema: {
        tags: ['security'],
        operationId: 'listAuditEvents',
        summary: 'The newest audit events, newest first.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            actor: { type: 'string', maxLength: 512 },
            action: { type: 'string', maxLength: 128 },
            outcome: { type: 'string', enum: ['success', 'denied', 'error', 'unknown'] },
            database: DATABASE_NAME,
            since: { type: 'string', maxLength: 64, description: 'ISO 8601 time or milliseconds since the epoch.' },
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,4}$' },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      let sinceMs: number | undefined;
      if (q.since !== undefined) {
        sinceMs = /^[0-9]+$/.test(q.since) ? Number(q.since) : Date.parse(q.since);
        if (Number.isNaN(sinceMs)) throw jadeError('JADE_ERR_REQUEST_INVALID', ['since must be an ISO 8601 time or milliseconds since the epoch']);
      }
      await audit.flush();
      const events = auditReader.query({
        limit: Math.min(Number(q.limit ?? '100'), 10_000),
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.action === undefined ? {} : { action: q.action }),
        ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
        ...(q.database === undefined ? {} : { database: q.database }),
        ...(sinceMs === undefined ? {} : { sinceMs }),
      });
      return { events: events.map(({ type: _type, ...event }) => ({ ...event, timestamp: new Date(event.timestampMs).toISOString() })) };
    },
  );

  app.get(
    '/v1/security/audit-level',
    {
      config: { access: 'admin', action: 'audit_level.read' },
      schema: {
        tags: ['security'],
        operationId: 'getAuditSettings',
        summary:
          'The audit level in force and the state of the audit log: whether it can be written, outcome events queued (and the limit), read events dropped (queue full), other events logged instead (queue full), events not written while failing open, failed write attempts (retried) and requests refused (fail-closed).',
      },
    },
    () => audit.stats(),
  );

  app.put<{ Body: { level: AuditLevel } }>(
    '/v1/security/audit-level',
    {
      config: { access: 'admin', action: 'audit_level.set' },
      schema: {
        tags: ['security'],
        operationId: 'setAuditLevel',
        summary: 'Change the audit level at run time (NFR-005). The change itself is audited.',
        body: { type: 'object', additionalProperties: false, required: ['level'], properties: { level: { type: 'string', enum: ['off', 'security', 'write', 'all'] } } },
      },
    },
    (request) => {
      audit.setLevel(request.body.level);
      return { level: audit.level };
    },
  );
}
