import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../src/errors';
import { CONFIG_SPEC } from '../../src/config/schema';
import { renderConfigReference, renderErrorReference } from '../../src/docs/reference';

const docs = path.join(__dirname, '..', '..', 'docs');

describe('generated reference pages', () => {
  it('docs/errors.md documents every error code (run `npm run docs` after adding one)', () => {
    const page = fs.readFileSync(path.join(docs, 'errors.md'), 'utf8');
    const missing = Object.keys(ERROR_CODES).filter((code) => !page.includes(`\`${code}\``));
    expect(missing).toEqual([]);
    expect(page).toBe(renderErrorReference());
  });

  it('docs/configuration.md documents every configuration key and its variable', () => {
    const page = fs.readFileSync(path.join(docs, 'configuration.md'), 'utf8');
    const missing = Object.entries(CONFIG_SPEC).filter(([key, spec]) => !page.includes(`\`${key}\``) || !page.includes(`\`${spec.env}\``));
    expect(missing).toEqual([]);
    expect(page).toBe(renderConfigReference());
  });
});
