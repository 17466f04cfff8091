/**
 * Signing in: check the credential against the server, then work out what to show. A token's claims are read
 * here for display only (the signature is the server's business, and the server checks every call); an API key
 * says nothing about itself, so one admin-only read tells whether admin pages are worth showing.
 */
import { Api, ApiError, type Credential, type Database } from './api';

export interface Identity {
  /** Token subject, or `key:<id>` for an API key. */
  subject: string;
  method: Credential['kind'];
  /** From the token; unknown (empty) for an API key. */
  roles: string[];
  /** From the token; unknown for an API key (the server lists only what it may see anyway). */
  databases: '*' | string[] | undefined;
  expiresAt: Date | undefined;
  /** May administer: create and drop databases, read the audit log. */
  admin: boolean;
}

export interface Session {
  api: Api;
  identity: Identity;
  /** The databases the server lists for this identity at sign-in. */
  databases: Database[];
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** What the pasted text looks like: a JWT has three base64url parts; API keys are `jade_<id>_<secret>`. */
export function guessKind(secret: string): Credential['kind'] | undefined {
  const trimmed = secret.trim();
  if (JWT.test(trimmed)) return 'token';
  if (trimmed.startsWith('jade_')) return 'api-key';
  return undefined;
}

export interface TokenClaims {
  sub?: unknown;
  roles?: unknown;
  databases?: unknown;
  exp?: unknown;
}

/** A JWT's payload, unverified, or undefined when it is not one. */
export function decodeClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const claims: unknown = JSON.parse(text);
    return typeof claims === 'object' && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

function identityFromToken(token: string): Identity {
  const claims = decodeClaims(token) ?? {};
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  const databases =
    claims.databases === '*' ? '*' : Array.isArray(claims.databases) ? claims.databases.filter((d): d is string => typeof d === 'string') : undefined;
  return {
    subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
    method: 'token',
    roles,
    databases: Array.isArray(databases) && databases.length === 1 && databases[0] === '*' ? '*' : databases,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
    admin: roles.includes('admin'),
  };
}

/** Signs in: a refused credential rejects with the server's reason. */
export async function signIn(credential: Credential, onUnauthorized: (error: ApiError) => void): Promise<Session> {
  const secret = credential.secret.trim();
  if (secret === '') throw new ApiError(0, 'EMPTY', 'paste a token or an API key');
  if (credential.kind === 'token' && decodeClaims(secret) === undefined) {
    throw new ApiError(0, 'NOT_A_TOKEN', 'this is not a JWT (three base64url parts separated by dots); pick "API key" if it is a key');
  }
  // No callback during sign-in: a refusal here is the answer, not a session ending.
  const probe = new Api({ kind: credential.kind, secret });
  const { databases } = await probe.listDatabases();
  let identity: Identity;
  if (credential.kind === 'token') {
    identity = identityFromToken(secret);
  } else {
    const keyId = /^jade_([^_]+)_/.exec(secret)?.[1];
    identity = { subject: keyId === undefined ? 'API key' : `key:${keyId}`, method: 'api-key', roles: [], databases: undefined, expiresAt: undefined, admin: false };
    try {
      await probe.auditLevel();
      identity.admin = true;
    } catch (err) {
      if (!(err instanceof ApiError && err.forbidden)) throw err;
    }
  }
  return { api: new Api({ kind: credential.kind, secret }, onUnauthorized), identity, databases };
}

/** One line describing who is signed in. */
export function describeIdentity(identity: Identity): string {
  const parts = [identity.method === 'token' ? `token for ${identity.subject}` : `API key ${identity.subject.replace(/^key:/, '')}`];
  if (identity.roles.length > 0) parts.push(`roles: ${identity.roles.join(', ')}`);
  else parts.push(identity.admin ? 'admin' : 'not admin');
  if (identity.databases !== undefined) parts.push(identity.databases === '*' ? 'all databases' : `databases: ${identity.databases.join(', ') || 'none'}`);
  if (identity.expiresAt !== undefined) parts.push(`expires ${identity.expiresAt.toLocaleString('en-GB')}`);
  return parts.join(' · ');
}
