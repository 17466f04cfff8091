import fs from 'node:fs';
import path from 'node:path';
import { loadOpenApi, renderApiReference } from '../../scripts/api-reference';

describe('docs/api.md', () => {
  it('documents every operation of the OpenAPI spec and is up to date (run `npm run docs` after changing a route)', async () => {
    const spec = await loadOpenApi();
    const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
    const operations = Object.entries(spec.paths ?? {}).flatMap(([route, methods]) => Object.keys(methods).map((method) => `\`${method.toUpperCase()} ${route}\``));
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((operation) => !page.includes(operation))).toEqual([]);
    expect(page).toBe(renderApiReference(spec));
  }, 60_000);

  it('names every operation with a unique operationId (generated clients name their functions after it)', async () => {
    const spec = await loadOpenApi();
    const ids = Object.values(spec.paths ?? {}).flatMap((methods) => Object.values(methods as Record<string, { operationId?: string }>).map((op) => op.operationId));
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  }, 60_000);
});
