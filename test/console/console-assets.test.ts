/** Serving the console's files: content types, caching, the console's CSP, and no way out of the build directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { CONSOLE_CSP, CONSOLE_MARKER, consoleRoutes } from '../../src/http/console';

describe('console assets', () => {
  let dir: string;
  let root: string;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-console-assets-'));
    root = path.join(dir, 'console');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app-ABCD2345.js'), 'export {};');
    fs.writeFileSync(path.join(root, 'assets', 'app-ABCD2345.css'), 'body{}');
    fs.writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fs.writeFileSync(path.join(root, '.hidden'), 'HIDDEN-CONTENT');
    fs.writeFileSync(path.join(root, CONSOLE_MARKER), '{}');
    // Outside the build directory: what a traversal would be after.
    fs.writeFileSync(path.join(dir, 'outside.txt'), 'OUTSIDE-CONTENT');
    fs.symlinkSync(path.join(dir, 'outside.txt'), path.join(root, 'link.txt'));
    app = Fastify();
    consoleRoutes(app, { dir: root });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Over a real socket, as a browser asks: URL decoding and normalisation are the real ones.
  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${url}`, { headers, redirect: 'manual' });
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  }

  it('redirects /console to /console/ so relative asset URLs resolve', async () => {
    const res = await get('/console');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/console/');
  });

  it('serves index.html at /console/, revalidated on every load, with the console CSP', async () => {
    const res = await get('/console/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(res.body).toContain('<title>console</title>');
    expect((await get('/console/index.html')).body).toBe(res.body);
  });

  it('gives each kind of file its content type and caches hashed names for a year', async () => {
    const js = await get('/console/assets/app-ABCD2345.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await get('/console/assets/app-ABCD2345.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const svg = await get('/console/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get('/console/');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await get('/console/', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it.each([
    '/console/../outside.txt',
    '/console/%2e%2e/outside.txt',
    '/console/assets/..%2f..%2foutside.txt',
    '/console/assets/%2e%2e%2f%2e%2e%2foutside.txt',
    '/console/..%5coutside.txt',
    '/console/%2Fetc%2Fpasswd',
    '/console//etc/passwd',
    '/console/.hidden',
    '/console/assets/',
    '/console/assets',
    '/console/link.txt',
    '/console/index.html%00.js',
    '/console/missing.js',
  ])('refuses %s', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('OUTSIDE-CONTENT');
    expect(res.body).not.toContain('HIDDEN-CONTENT');
    expect(res.body).not.toContain('root:x:0');
  });

  it('answers 404 when the console is not built', async () => {
    const bare = Fastify();
    consoleRoutes(bare, { dir: path.join(dir, 'not-built') });
    const address = await bare.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${address}/console/`)).status).toBe(404);
    await bare.close();
  });
});
