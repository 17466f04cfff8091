/**
 * JWT key material and token minting. HS256 with a secret of at least 32 bytes, or RS256/ES256 with a public key
 * (tokens then come from your identity provider). Role `all` with neither configured generates a secret in its data
 * directory on first start, so a fresh `npm start` is secure by default.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createSigner } from 'fast-jwt';
import type { JadeConfig } from '../config/schema';
import { jadeError } from '../errors';
import type { Role } from './principal';

export interface JwtVerification {
  /** Secret (HS256) or PEM public key (RS256/ES256). */
  key: string;
  algorithms: ('HS256' | 'RS256' | 'ES256')[];
  /** Present when tokens can be minted here (a shared secret). */
  secret?: string;
  /** True when the secret was generated just now (first start of role `all`). */
  generated: boolean;
  secretFile?: string;
}

const MIN_SECRET_BYTES = 32;

/** Resolves how tokens are verified, generating a secret for role `all` when none is configured. */
export function resolveJwt(config: JadeConfig): JwtVerification {
  if (config.jwtPublicKeyFile !== undefined) {
    let pem: string;
    try {
      pem = fs.readFileSync(config.jwtPublicKeyFile, 'utf8');
    } catch (err) {
      throw jadeError('JADE_ERR_CONFIG_INVALID', [`jwtPublicKeyFile (JADE_JWT_PUBLIC_KEY_FILE) cannot be read: ${(err as Error).message}`]);
    }
    const type = createPublicKey(pem).asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec') throw jadeError('JADE_ERR_CONFIG_INVALID', [`jwtPublicKeyFile holds a ${String(type)} key; RS256 (rsa) or ES256 (ec) expected`]);
    return { key: pem, algorithms: [type === 'rsa' ? 'RS256' : 'ES256'], generated: false };
  }
  if (config.jwtSecret !== undefined) {
    assertStrong(config.jwtSecret, 'jwtSecret (JADE_JWT_SECRET)');
    return { key: config.jwtSecret, secret: config.jwtSecret, algorithms: ['HS256'], generated: false };
  }
  if (config.role !== 'all') {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [`role ${config.role} needs jwtSecret (JADE_JWT_SECRET) or jwtPublicKeyFile (JADE_JWT_PUBLIC_KEY_FILE); only role all generates one`]);
  }
  const file = path.join(config.dataDir, 'jwt-secret');
  if (fs.existsSync(file)) {
    const secret = fs.readFileSync(file, 'utf8').trim();
    assertStrong(secret, file);
    return { key: secret, secret, algorithms: ['HS256'], generated: false, secretFile: file };
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { key: secret, secret, algorithms: ['HS256'], generated: true, secretFile: file };
}

export function assertStrong(secret: string, what: string): void {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) throw jadeError('JADE_ERR_SECRET_WEAK', [what]);
}

export interface MintOptions {
  secret: string;
  subject: string;
  roles: Role[];
  databases: '*' | string[];
  ttlSeconds: number;
}

/** Signs an HS256 token with `sub`, `roles`, `databases`, `iat` and `exp`. */
export function mintToken(options: MintOptions): string {
  assertStrong(options.secret, 'the JWT secret');
  const sign = createSigner({ key: options.secret, algorithm: 'HS256', expiresIn: options.ttlSeconds * 1000 });
  return sign({ sub: options.subject, roles: options.roles, databases: options.databases });
}
