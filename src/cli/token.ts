/** `jadevectordb token`: mints a JWT from the configured secret. */
import fs from 'node:fs';
import path from 'node:path';
import type { JadeConfig } from '../config/schema';
import { jadeError } from '../errors';
import { mintToken } from '../security/jwt';
import { parseGrants } from '../security/principal';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function parseDuration(text: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(text.trim());
  if (match === null) throw jadeError('JADE_ERR_REQUEST_INVALID', [`--ttl ${text}: use a number and a unit, e.g. 3600s, 90m, 12h, 30d`]);
  return Number(match[1]) * UNITS[match[2]!]!;
}

export function mintCliToken(config: JadeConfig, options: { role: string; databases: string; ttl: string; subject: string }): string {
  let secret = config.jwtSecret;
  if (secret === undefined) {
    const file = path.join(config.dataDir, 'jwt-secret');
    if (!fs.existsSync(file)) throw jadeError('JADE_ERR_CONFIG_INVALID', [`no JWT secret: set JADE_JWT_SECRET, or start role all once so it generates ${file}`]);
    secret = fs.readFileSync(file, 'utf8').trim();
  }
  const roles = options.role.split(',').map((r) => r.trim());
  const databases = options.databases.trim() === '*' ? '*' : options.databases.split(',').map((d) => d.trim());
  const grants = parseGrants(roles, databases);
  if (grants === undefined) throw jadeError('JADE_ERR_REQUEST_INVALID', ['--role takes admin, writer and/or reader; --databases takes names or *']);
  return mintToken({ secret, subject: options.subject, ...grants, ttlSeconds: parseDuration(options.ttl) });
}
