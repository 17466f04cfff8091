/** Writes docs/api.md from the REST API's OpenAPI document (`npm run docs`). */
import fs from 'node:fs';
import path from 'node:path';
import { loadOpenApi, renderApiReference } from './api-reference';

void loadOpenApi().then((spec) => {
  fs.writeFileSync(path.join(__dirname, '..', 'docs', 'api.md'), renderApiReference(spec));
});
