/**
 * Generates the Python client in clients/python from the REST API's OpenAPI document (`npm run client:python`),
 * with openapi-python-client and ruff at the versions pinned in scripts/gen-python-client.requirements.txt.
 *
 *   tsx scripts/gen-python-client.ts [--out DIR] [--check]
 *
 * The document is the one the server serves at `/openapi.json` (taken from the app, as for docs/api.md) and is
 * written beside the client as `openapi.json`. `--check` generates into a temporary directory and compares it with
 * DIR (default clients/python), exiting 1 with the files that differ: the committed client is never stale.
 * Hand-written files in DIR (KEPT) are left alone and not compared.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOpenApi } from './api-reference';

const REPO = path.resolve(__dirname, '..');
const CONFIG = path.join(__dirname, 'gen-python-client.config.yaml');
const REQUIREMENTS = path.join(__dirname, 'gen-python-client.requirements.txt');
/** Files of clients/python that are not generated. */
export const KEPT = new Set(['example.py']);
const PYTHON = process.env.PYTHON ?? 'python3';

function pinned(name: string): string {
  const line = fs
    .readFileSync(REQUIREMENTS, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}==`));
  if (line === undefined) throw new Error(`${REQUIREMENTS} pins no ${name}`);
  return line.slice(name.length + 2).trim();
}

/** Fails unless the generator and the formatter are installed at the pinned versions (others format differently). */
function checkTools(): void {
  const install = `install them with: ${PYTHON} -m pip install -r scripts/gen-python-client.requirements.txt`;
  let installed: string[];
  try {
    installed = execFileSync(PYTHON, ['-c', "import importlib.metadata as m; print(m.version('openapi-python-client'), m.version('ruff'))"], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split(' ');
  } catch {
    throw new Error(`openapi-python-client and ruff are not installed for ${PYTHON}; ${install}`);
  }
  const wanted = [pinned('openapi-python-client'), pinned('ruff')];
  if (installed[0] !== wanted[0] || installed[1] !== wanted[1]) {
    throw new Error(`openapi-python-client ${installed[0]} and ruff ${installed[1]} are installed, ${wanted[0]} and ${wanted[1]} are pinned; ${install}`);
  }
}

/** Every file under `dir`, relative, sorted; `__pycache__` directories are skipped. */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__pycache__') out.push(...listFiles(dir, rel));
    } else {
      out.push(rel);
    }
  }
  return out.sort();
}

/** Generates the client into a new temporary directory and returns it (the caller removes it). */
async function generate(): Promise<string> {
  checkTools();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-python-client-'));
  const spec = path.join(work, 'openapi.json');
  fs.writeFileSync(spec, `${JSON.stringify(await loadOpenApi(), null, 2)}\n`);
  const client = path.join(work, 'client');
  execFileSync(PYTHON, ['-m', 'openapi_python_client', 'generate', '--path', spec, '--output-path', client, '--meta', 'pdm', '--config', CONFIG, '--fail-on-warning'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  fs.copyFileSync(spec, path.join(client, 'openapi.json'));
  return work;
}

/** Files that differ between the generated client and `dir` (hand-written files aside). */
export function differences(generated: string, dir: string): string[] {
  const have = fs.existsSync(dir) ? listFiles(dir).filter((f) => !KEPT.has(f)) : [];
  const want = listFiles(generated);
  const diff: string[] = [];
  for (const file of new Set([...have, ...want])) {
    if (!want.includes(file)) diff.push(`${file}: not generated any more`);
    else if (!have.includes(file)) diff.push(`${file}: missing`);
    else if (!fs.readFileSync(path.join(dir, file)).equals(fs.readFileSync(path.join(generated, file)))) diff.push(`${file}: differs`);
  }
  return diff.sort();
}

async function main(args: string[]): Promise<number> {
  const outIndex = args.indexOf('--out');
  const out = path.resolve(outIndex >= 0 && args[outIndex + 1] !== undefined ? args[outIndex + 1]! : path.join(REPO, 'clients', 'python'));
  const work = await generate();
  try {
    const client = path.join(work, 'client');
    if (args.includes('--check')) {
      const diff = differences(client, out);
      if (diff.length === 0) {
        process.stdout.write(`${path.relative(REPO, out) || out} is up to date with the OpenAPI document\n`);
        return 0;
      }
      process.stderr.write(`${out} is stale; run npm run client:python and commit it:\n${diff.map((d) => `  ${d}`).join('\n')}\n`);
      return 1;
    }
    fs.mkdirSync(out, { recursive: true });
    for (const entry of fs.readdirSync(out)) if (!KEPT.has(entry)) fs.rmSync(path.join(out, entry), { recursive: true, force: true });
    fs.cpSync(client, out, { recursive: true });
    process.stdout.write(`generated ${listFiles(client).length} files into ${out}\n`);
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`gen-python-client: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
