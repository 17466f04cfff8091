/** Renders the error registry and the configuration schema as Markdown reference pages. */
import { ERROR_CODES, type ErrorCode } from '../errors';
import { CONFIG_SPEC, type ConfigKey, type ConfigKeySpec } from '../config/schema';

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderErrorReference(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error JadeVectorDB reports carries a stable `code`. HTTP errors have one body shape:',
    '`{ "statusCode", "code", "error", "message" }`. Branch on `code`, never on `message`.',
    '"Retriable" means the same request may succeed unchanged later (back off first).',
    '"Kind" is what the failure means (`src/errors.ts`, `FailureKind`): `bad-record`, a record on the log no replica could',
    'ever apply (dead-lettered with this code, and a 400 when a request carries the same fault); `local`, this node’s own',
    'trouble (a shard stops that partition and restarts it; nothing is skipped); `remote`, a dependency that may recover',
    '(back off and retry); `refusal`, the request is wrong or not allowed.',
    '',
    '_Generated from `src/errors.ts` by `npm run docs`._',
    '',
    '| code | HTTP status | retriable | kind | message |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const def = ERROR_CODES[code];
    lines.push(`| \`${code}\` | ${def.status} | ${def.retriable ? 'yes' : 'no'} | ${def.kind} | ${escapeCell(def.message.replace(/%s/g, '…'))} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderConfigReference(): string {
  const lines = [
    '# Configuration',
    '',
    'Set keys in a JSON file (`JADE_CONFIG_FILE` or `--config`) or by environment variable; the environment wins',
    'over the file. The configuration is validated once at start-up: an unknown key or a bad value stops the',
    'program with one message naming it.',
    '',
    '_Generated from `src/config/schema.ts` by `npm run docs`._',
    '',
    '| key | environment | default | description |',
    '| --- | --- | --- | --- |',
  ];
  for (const key of Object.keys(CONFIG_SPEC) as ConfigKey[]) {
    const spec: ConfigKeySpec = CONFIG_SPEC[key];
    const def = spec.default === undefined ? '—' : `\`${JSON.stringify(spec.default)}\``;
    lines.push(`| \`${key}\` | \`${spec.env}\` | ${def} | ${escapeCell(spec.doc)} |`);
  }
  return `${lines.join('\n')}\n`;
}
