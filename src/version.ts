/** The package version, read from the nearest package.json (works from src/ and from dist/src/). */
import fs from 'node:fs';
import path from 'node:path';

function findVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'jadevectordb' && typeof pkg.version === 'string') return pkg.version;
  }
  return '0.0.0';
}

export const VERSION = findVersion();
