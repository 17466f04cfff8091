/**
 * Who is asking and what they may do. Roles: `reader` (search, get, list), `writer` (reader + upsert, delete),
 * `admin` (everything: databases, API keys, the audit log and its level). Database scopes apply to every route.
 */
import { jadeError } from '../errors';

export type Role = 'admin' | 'writer' | 'reader';
export const ROLES: readonly Role[] = ['admin', 'writer', 'reader'];

/** What a route needs. `public` routes need no credentials. */
export type Access = 'public' | 'read' | 'write' | 'admin';

export interface Principal {
  /** Token subject or API key id. */
  subject: string;
  roles: Role[];
  /** Databases the principal may touch: a list, or every one. */
  databases: '*' | string[];
  method: 'jwt' | 'api-key' | 'none';
  keyId?: string;
}

export const ANONYMOUS: Principal = { subject: 'anonymous', roles: [], databases: [], method: 'none' };

/** Access the roles grant, from the strongest role held. */
function granted(roles: readonly Role[]): Set<Access> {
  if (roles.includes('admin')) return new Set(['read', 'write', 'admin']);
  if (roles.includes('writer')) return new Set(['read', 'write']);
  if (roles.includes('reader')) return new Set(['read']);
  return new Set();
}

/** Throws `JADE_ERR_AUTH_FORBIDDEN` unless the principal may do `access` on `database` (when one is named). */
export function authorize(principal: Principal, access: Access, database: string | undefined): void {
  if (access === 'public') return;
  if (!granted(principal.roles).has(access)) {
    throw jadeError('JADE_ERR_AUTH_FORBIDDEN', [`${principal.subject} (roles: ${principal.roles.join(', ') || 'none'}) may not ${access === 'admin' ? 'administer' : access}`]);
  }
  if (database !== undefined && principal.databases !== '*' && !principal.databases.includes(database)) {
    throw jadeError('JADE_ERR_AUTH_FORBIDDEN', [`${principal.subject} has no access to database ${database}`]);
  }
  // Administration of no one database (creating databases, API keys, the audit log and level) reaches them all: an
  // admin scoped to some databases could otherwise mint itself a key for every database.
  if (database === undefined && access === 'admin' && principal.databases !== '*') {
    throw jadeError('JADE_ERR_AUTH_FORBIDDEN', [`${principal.subject} is scoped to some databases and may not administer the whole server`]);
  }
}

/** Validates roles and database scopes from a token's claims or a key request. */
export function parseGrants(roles: unknown, databases: unknown): { roles: Role[]; databases: '*' | string[] } | undefined {
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r): r is Role => ROLES.includes(r as Role))) return undefined;
  if (databases === '*' || (Array.isArray(databases) && databases.length === 1 && databases[0] === '*')) return { roles, databases: '*' };
  if (!Array.isArray(databases) || !databases.every((d): d is string => typeof d === 'string')) return undefined;
  return { roles, databases };
}
