/**
 * The web console's static files at `/console/` (built by `npm run build` into `dist/console`, see
 * `console/build.mjs`). Public like `/docs`: the files hold no data, the API behind them checks every call.
 *
 * Only names made of plain segments are served (no dot segments, no hidden files, no symlinks), so no request
 * can reach outside the build directory. Content-hashed assets are cached for a year; `index.html` is revalidated
 * each time so a new build is picked up at once. The console sends its own, stricter Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ConsoleOptions {
  /** The built console. @default `dist/console` of this package, found from source and from the build alike. */
  dir?: string;
}

/** Written by `console/build.mjs` last, so a directory holding it is a complete build. */
export const CONSOLE_MARKER = 'asset-manifest.json';

/** No inline scripts or styles, no plugins, no framing, API calls to this origin only. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** esbuild's `[name]-[hash]` names: the hash is 8 characters of base32. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;
/** Path segments that cannot climb, hide or escape: letters, digits, `_`, `-` and inner dots. */
const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
const ROUTE = { access: 'public' as const, action: 'console.asset' };

/** The built console next to this file's package: `dist/console` from `src/http` and from `dist/src/http`. */
export function defaultConsoleDir(): string {
  const candidates = [path.resolve(__dirname, '..', '..', 'dist', 'console'), path.resolve(__dirname, '..', '..', 'console')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, CONSOLE_MARKER))) ?? candidates[0]!;
}

/** Registers `GET /console` (a redirect) and `GET /console/*` (the files). */
export function consoleRoutes(app: FastifyInstance, options: ConsoleOptions = {}): void {
  const root = path.resolve(options.dir ?? defaultConsoleDir());
  if (!fs.existsSync(path.join(root, CONSOLE_MARKER))) {
    app.log.warn({ dir: root }, 'the web console is not built (run npm run build): /console answers 404');
  }
  const schema = { hide: true };

  // Relative asset URLs in index.html need the trailing slash.
  app.get('/console', { config: ROUTE, schema }, (_request, reply) => reply.redirect('/console/', 302));

  app.get<{ Params: { '*': string } }>('/console/*', { config: ROUTE, schema }, async (request, reply) => {
    const name = request.params['*'] === '' ? 'index.html' : request.params['*'];
    const file = await readAsset(root, name);
    if (file === undefined) return reply.callNotFound();
    return send(request, reply, name, file);
  });
}

async function readAsset(root: string, name: string): Promise<{ body: Buffer; mtimeMs: number } | undefined> {
  if (name.length > 256 || !SAFE_PATH.test(name)) return undefined;
  const file = path.resolve(root, name);
  if (!file.startsWith(root + path.sep)) return undefined;
  try {
    // lstat: a symlink in the build directory is never followed.
    const stat = await fs.promises.lstat(file);
    if (!stat.isFile()) return undefined;
    return { body: await fs.promises.readFile(file), mtimeMs: stat.mtimeMs };
  } catch {
    return undefined;
  }
}

function send(request: FastifyRequest, reply: FastifyReply, name: string, file: { body: Buffer; mtimeMs: number }): FastifyReply {
  const hashed = HASHED.test(name);
  const etag = `"${createHash('sha256').update(file.body).digest('base64url').slice(0, 22)}"`;
  void reply
    .header('content-type', CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('etag', etag)
    .header('last-modified', new Date(file.mtimeMs).toUTCString())
    .header('content-security-policy', CONSOLE_CSP)
    .header('referrer-policy', 'no-referrer');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  return reply.send(file.body);
}
