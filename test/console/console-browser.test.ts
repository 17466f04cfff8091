/**
 * The web console end to end, in headless Chromium (Debian's `chromium`, driven by playwright-core) against a
 * real server in this process: sign in, create a database, find vectors upserted through the API by browsing and
 * searching, watch a denied action arrive in the audit log, see every partition on the cluster page; a reader
 * sees no create or drop controls and the server refuses those calls anyway.
 *
 * Screenshots of each page go to test-artifacts/console/. Without Chromium this suite fails, saying how to
 * install it: it never skips.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/cli/server';
import { loadConfig } from '../../src/config/load';
import { CONSOLE_CSP } from '../../src/http/console';
import { silentLogger } from '../../src/logger';
import { mintToken } from '../../src/security/jwt';
import { waitFor } from '../helpers/wait';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'console');
const SECRET = 'console-browser-test-secret-0123456789abcdef';
const PARTITIONS = 3;
const DIM = 4;
const COLORS = ['red', 'green', 'blue'] as const;

/** 30 vectors: `v-000` to `v-029`, metadata with a number and a colour. */
function vectorsFor(from: number, count: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      id: `v-${String(i).padStart(3, '0')}`,
      values: [Math.cos(i), Math.sin(i), ((i % 7) + 1) / 7, 0.25],
      metadata: { n: i, color: COLORS[i % 3], label: `item ${i}` },
    };
  });
}

describe('web console in Chromium', () => {
  let server: RunningServer;
  let dataDir: string;
  let profileDir: string;
  let url: string;
  let browser: BrowserContext;
  const tokens = {
    admin: mintToken({ secret: SECRET, subject: 'ada-admin', roles: ['admin'], databases: '*', ttlSeconds: 3600 }),
    writer: mintToken({ secret: SECRET, subject: 'wes-writer', roles: ['writer'], databases: '*', ttlSeconds: 3600 }),
    reader: mintToken({ secret: SECRET, subject: 'rita-reader', roles: ['reader'], databases: ['products'], ttlSeconds: 3600 }),
  };
  const external: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  async function api(method: string, route: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('request', (request) => {
      const target = request.url();
      if (!target.startsWith(`${url}/`) && !target.startsWith('data:')) external.push(target);
    });
    page.on('console', (message: ConsoleMessage) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function signIn(page: Page, secret: string): Promise<void> {
    await page.goto(`${url}/console`);
    const field = page.getByLabel('Token or API key');
    await field.waitFor();
    await field.fill(secret);
    // The keyboard alone signs in: Enter submits the form.
    await field.press('Enter');
    await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
  }

  /** Saves a screenshot, and checks on the way that every form control on the page has a label. */
  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    const unlabelled = await page.evaluate(
      "[...document.querySelectorAll('input, select, textarea')].filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.outerHTML)",
    );
    expect(unlabelled).toEqual([]);
  }

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium was not found at ${CHROMIUM}. The console's browser tests need Debian's chromium: run ` +
          '`bash scripts/setup-test-env.sh` (or `apt-get install -y chromium`), or set CHROMIUM_PATH.',
      );
    }
    // The console as `npm run build` makes it, from the sources under test.
    execFileSync(process.execPath, [path.join(REPO, 'console', 'build.mjs')], { cwd: REPO, stdio: 'pipe' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });

    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-console-'));
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-console-chromium-'));
    const config = loadConfig({
      env: {},
      overrides: { dataDir, httpPort: 0, shardThreads: 0, logLevel: 'silent', jwtSecret: SECRET, auditLevel: 'all', partitions: PARTITIONS },
    });
    server = await startServer(config, silentLogger);
    url = (await server.app!.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    await waitFor(async () => (await fetch(`${url}/ready`)).status === 200, { timeoutMs: 30_000, what: '/ready' });

    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const dir of [dataDir, profileDir]) if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  let admin: Page;

  it('serves the console without credentials, under its own strict CSP', async () => {
    const redirect = await fetch(`${url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const index = await fetch(`${url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /src="(assets\/app-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${url}/console/${script!}`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    // The API itself still wants credentials.
    expect((await api('GET', '/v1/databases', undefined)).status).toBe(401);
  });

  it('signs an admin in with a token kept in memory only', async () => {
    admin = await newPage();
    await admin.goto(`${url}/console`);
    await admin.getByLabel('Token or API key').waitFor();
    await shot(admin, '01-sign-in');
    await signIn(admin, tokens.admin);
    expect(await admin.getByTestId('identity').textContent()).toContain('token for ada-admin');
    expect(await admin.getByRole('link', { name: 'Audit log' }).count()).toBe(1);
    expect(await admin.evaluate('localStorage.length + sessionStorage.length + document.cookie.length')).toBe(0);
  });

  it('creates a database from the Databases page, and drops another', async () => {
    await admin.getByText('Create a database').click();
    await admin.getByLabel('Name').fill('products');
    await admin.getByLabel('Dimension').fill(String(DIM));
    await admin.getByLabel('Metric').selectOption('cosine');
    await admin.getByLabel('Default efSearch').fill('50');
    await admin.getByLabel('Description').fill('Things we sell');
    await admin.getByRole('button', { name: 'Create database' }).click();
    await admin.locator('p.notice', { hasText: 'Created products (4 dimensions, cosine).' }).waitFor();
    const db = await api('GET', '/v1/databases/products', tokens.admin);
    expect(db.body).toMatchObject({ name: 'products', dimension: DIM, metric: 'cosine', index: { efSearch: 50 }, description: 'Things we sell' });

    // Created through the API, dropped through the console.
    expect((await api('POST', '/v1/databases', tokens.admin, { name: 'scratch', dimension: 2, metric: 'euclidean' })).status).toBe(201);
    await admin.getByRole('button', { name: 'Refresh' }).click();
    await admin.getByRole('button', { name: 'Drop scratch' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Drop scratch?' });
    await dialog.waitFor();
    await shot(admin, '02-drop-dialog');
    await dialog.getByRole('button', { name: 'Drop scratch' }).click();
    await admin.locator('p.notice', { hasText: 'Dropped scratch.' }).waitFor();
    expect((await api('GET', '/v1/databases/scratch', tokens.admin)).status).toBe(404);
    await waitFor(async () => (await admin.getByRole('link', { name: 'scratch', exact: true }).count()) === 0, { what: 'scratch to leave the list' });
  });

  it('shows vectors upserted through the API, page by page with their metadata', async () => {
    const upsert = await api('POST', '/v1/databases/products/vectors/batch', tokens.writer, { vectors: vectorsFor(0, 30) });
    expect(upsert.status).toBe(201);
    const count = await api('POST', '/v1/databases/products/vectors/count', tokens.writer, { consistency: { after: upsert.body.token } });
    expect(count.body.count).toBe(30);
    // A database only an admin sees, for the reader test below.
    expect((await api('POST', '/v1/databases', tokens.admin, { name: 'payroll', dimension: 2, metric: 'dot' })).status).toBe(201);

    await admin.getByRole('button', { name: 'Refresh' }).click();
    const row = admin.getByTestId('databases').getByRole('row').filter({ hasText: 'products' });
    await waitFor(async () => ((await row.textContent()) ?? '').includes('30'), { what: 'the vector count of products' });
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('cosine');
    expect(rowText).toContain('efSearch 50');
    await shot(admin, '03-databases');

    await admin.getByRole('link', { name: 'products', exact: true }).click();
    await admin.getByLabel('Vectors per page').selectOption('10');
    const ids = async () => (await admin.getByTestId('vectors').locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());
    await waitFor(async () => (await ids()).length === 10 && (await ids())[0] === 'v-000', { what: 'the first page of 10' });
    expect(await ids()).toEqual(vectorsFor(0, 10).map((v) => v.id));
    expect(await admin.getByTestId('vectors').textContent()).toContain('"color": "red"');
    await admin.getByRole('button', { name: 'Next page →' }).click();
    await waitFor(async () => (await ids())[0] === 'v-010', { what: 'page 2' });
    expect(await ids()).toEqual(vectorsFor(10, 10).map((v) => v.id));
    await shot(admin, '04-browse');
    await admin.getByRole('button', { name: '← Previous page' }).click();
    await waitFor(async () => (await ids())[0] === 'v-000', { what: 'back to page 1' });
  });

  it('finds them in the search playground, by stored id and by pasted vector with a filter', async () => {
    await admin.getByRole('link', { name: 'Search for vectors like v-007' }).click();
    await admin.getByRole('heading', { name: 'Search playground' }).waitFor();
    expect(await admin.getByLabel('Vector id').inputValue()).toBe('v-007');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    const hits = admin.getByTestId('hits');
    await hits.waitFor();
    const firstRow = await hits.locator('tbody tr').first().locator('td').allTextContents();
    expect(firstRow[1]).toBe('v-007');
    expect(Number(firstRow[2])).toBeCloseTo(1, 4);
    expect(await hits.locator('tbody tr').count()).toBe(10);
    expect(await admin.getByTestId('search-summary').textContent()).toMatch(/10 results for vector v-007 in [0-9.]+ ms on the server/);

    await admin.getByLabel('Paste a vector').check();
    await admin.getByLabel('Query vector').fill(JSON.stringify(vectorsFor(12, 1)[0]!.values));
    await admin.getByLabel('topK').fill('5');
    await admin.getByLabel('efSearch').fill('80');
    await admin.getByLabel('Consistency', { exact: true }).selectOption('strong');
    await admin.getByLabel('Metadata filter (JSON, optional)').fill('{ "must": [ { "key": "color", "match": "red" } ] }');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await waitFor(async () => ((await admin.getByTestId('search-summary').textContent()) ?? '').includes('pasted vector'), { what: 'the filtered search' });
    const rows = await hits.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(5);
    for (const text of rows) expect(text).toContain('"color": "red"');
    expect(rows[0]).toContain('v-012');
    await shot(admin, '05-search');

    // A bad filter is the server's 400, shown in the page.
    await admin.getByLabel('Metadata filter (JSON, optional)').fill('{ "must": [ { "key": "n", "range": { "between": 1 } } ] }');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await admin.getByRole('alert').filter({ hasText: 'JADE_ERR_FILTER_INVALID' }).waitFor();
  });

  it('shows a denied action in the live audit log', async () => {
    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.getByRole('heading', { name: 'Audit log' }).waitFor();
    await admin.getByLabel('Outcome').selectOption('denied');
    await admin.getByLabel('Actor').fill('rita-reader');
    await admin.getByRole('button', { name: 'Apply filters' }).click();
    await admin.getByText('No events match these filters.').waitFor();

    // The reader tries to drop a database: the server refuses, and the page shows it without being touched.
    const denied = await api('DELETE', '/v1/databases/products', tokens.reader);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('JADE_ERR_AUTH_FORBIDDEN');
    const event = admin.getByTestId('audit-events').getByRole('row').filter({ hasText: 'databases.drop' });
    await event.waitFor({ timeout: 15_000 });
    const text = (await event.textContent()) ?? '';
    expect(text).toContain('denied');
    expect(text).toContain('rita-reader');
    expect(text).toContain('products');
    expect(text).toContain('403');
    await shot(admin, '06-audit');
  });

  it('lists every partition on the cluster page, with live charts', async () => {
    // Keyboard: focus the navigation link and press Enter.
    await admin.getByRole('link', { name: 'Cluster' }).focus();
    await admin.keyboard.press('Enter');
    await admin.getByRole('heading', { name: 'Cluster' }).waitFor();
    const partitions = admin.getByTestId('partitions');
    await partitions.waitFor();
    const numbers = (await partitions.locator('tbody tr td:first-child').allTextContents()).map((s) => Number(s.trim()));
    expect(numbers).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i));
    expect(await admin.getByTestId('partitions-ready').textContent()).toBe(`${PARTITIONS} of ${PARTITIONS}`);
    const status = await api('GET', '/status', tokens.admin);
    const offsets = (status.body.partitions as { nextOffset: number }[]).map((p) => p.nextOffset);
    const applied = (await partitions.locator('tbody tr td:nth-child(3)').allTextContents()).map((s) => Number(s.replace(/,/g, '')));
    expect(applied).toEqual(offsets);
    // Role all: one index node, this process, with its partitions and a heartbeat.
    expect(await admin.getByTestId('nodes').textContent()).toContain('in-process');

    // More writes while the page watches, one batch per sample: the ingest line is drawn from successive samples.
    const joined = async () => ((await admin.locator('path.series-a').getAttribute('d')) ?? '').split('L').length - 1;
    let next = 30;
    for (let batch = 0; batch < 4; batch++) {
      const before = await joined();
      expect((await api('POST', '/v1/databases/products/vectors/batch', tokens.writer, { vectors: vectorsFor(next, 10 * (batch + 1)) })).status).toBe(201);
      next += 10 * (batch + 1);
      await waitFor(async () => (await joined()) > before, { timeoutMs: 10_000, what: `a new ingest sample after batch ${batch + 1}` });
    }
    const label = (await admin.getByRole('img', { name: /^Ingest rate over the last (minute|[0-9] minutes)/ }).getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/peak [1-9]/);
    await shot(admin, '07-cluster');
  });

  it('shows each partition\'s owner per replica group and the nodes\' heartbeats once /status reports them', async () => {
    // The shape proposed for a gateway's /status (role all has one node and says so); served here by the browser.
    const page = await newPage();
    const now = Date.now();
    const status = {
      role: 'gateway',
      backbone: 'kafka',
      partitions: [0, 1, 2].map((partition) => ({
        partition,
        nextOffset: 100 + partition,
        endOffset: 100 + partition,
        lag: 0,
        ready: true,
        owners: [
          { nodeId: 'index-a', replicaGroup: 0, ready: true },
          { nodeId: 'index-b', replicaGroup: 1, ready: partition !== 2 },
        ],
      })),
      databases: [],
      nodes: [
        { nodeId: 'index-b', replicaGroup: 1, lastHeartbeatMs: now - 4_000, partitions: [2, 0, 1], url: 'http://10.0.0.6:7071' },
        { nodeId: 'index-a', replicaGroup: 0, lastHeartbeatMs: now - 1_000, partitions: [0, 1, 2], url: 'http://10.0.0.5:7071' },
      ],
    };
    await page.route(`${url}/status`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(status) }));
    await signIn(page, tokens.admin);
    await page.getByRole('link', { name: 'Cluster' }).click();
    const nodes = page.getByTestId('nodes');
    await nodes.waitFor();
    const nodeRows = await nodes.locator('tbody tr').allTextContents();
    expect(nodeRows).toHaveLength(2);
    expect(nodeRows[0]).toContain('index-a');
    expect(nodeRows[0]).toContain('0, 1, 2');
    expect(nodeRows[1]).toContain('index-b');
    const owners = await page.getByTestId('partitions').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(owners).toHaveLength(3);
    for (const text of owners) expect(text).toMatch(/index-a · group 0.*index-b · group 1/);
    expect(owners[2]).toContain('catching up');
    await shot(page, '09-cluster-gateway-simulated');
    await page.close();
  });

  it('gives a reader no create or drop controls, and the server refuses them anyway', async () => {
    const reader = await newPage();
    await signIn(reader, tokens.reader);
    expect(await reader.getByTestId('identity').textContent()).toContain('roles: reader');
    const table = reader.getByTestId('databases');
    await table.waitFor();
    expect(await table.getByRole('link', { name: 'products', exact: true }).count()).toBe(1);
    // Only what this identity may see: payroll is outside the reader's scope.
    expect(await reader.getByText('payroll').count()).toBe(0);
    expect(await reader.getByText('Create a database').count()).toBe(0);
    expect(await reader.getByRole('button', { name: /^Drop/ }).count()).toBe(0);
    expect(await reader.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await shot(reader, '08-reader-databases');

    const create = await api('POST', '/v1/databases', tokens.reader, { name: 'sneaky', dimension: 2, metric: 'cosine' });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('JADE_ERR_AUTH_FORBIDDEN');
    const drop = await api('DELETE', '/v1/databases/products', tokens.reader);
    expect(drop.status).toBe(403);
    expect((await api('GET', '/v1/databases/products', tokens.admin)).status).toBe(200);

    // Reloading forgets the credential.
    await reader.reload();
    await reader.getByLabel('Token or API key').waitFor();
    await reader.close();
  });

  it('signs in with an API key and finds out it is not an admin', async () => {
    const created = await api('POST', '/v1/api-keys', tokens.admin, { name: 'console test', roles: ['reader'], databases: ['products'] });
    expect(created.status).toBe(201);
    const page = await newPage();
    await page.goto(`${url}/console`);
    await page.getByLabel('Token or API key').fill(created.body.key as string);
    expect(await page.getByRole('radio', { name: 'API key' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
    expect(await page.getByTestId('identity').textContent()).toContain(`API key ${created.body.keyId as string}`);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await page.getByText('Create a database').count()).toBe(0);

    // A wrong credential is refused with the server's reason.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token or API key').fill('jade_nope_nope');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The server refused this credential' }).waitFor();
    await page.close();
  });

  it('made no request outside the server and broke no Content-Security-Policy rule', () => {
    expect(external).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
