/**
 * Generates the reference pages that come from code: docs/errors.md (the error registry) and
 * docs/configuration.md (the configuration schema). `npm run docs` rewrites them; a unit test fails when the
 * committed pages are out of date, so no code or key goes undocumented.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderConfigReference, renderErrorReference } from '../src/docs/reference';

const docs = path.join(__dirname, '..', 'docs');
fs.writeFileSync(path.join(docs, 'errors.md'), renderErrorReference());
fs.writeFileSync(path.join(docs, 'configuration.md'), renderConfigReference());
