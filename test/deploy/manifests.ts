/**
 * Reads the deployment files for test/deploy: YAML documents, and Kustomize overlays rendered by a tiny subset of
 * Kustomize (no kubectl here). Supported: `resources` (files and directories), `namespace`, `images`, and `patches`
 * given as `path` to strategic-merge patches (maps merge; lists of named items merge by name; other lists replace).
 * Any other Kustomization field throws, so a manifest that outgrows this renderer fails the tests instead of
 * being validated wrongly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = path.join(__dirname, '..', '..');

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: unknown }; [key: string]: unknown };

/** Every document of a YAML file, with anchors and merge keys (`<<`) resolved. Throws on any parse error. */
export function readYamlDocuments(file: string): unknown[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'), { merge: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  return list.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path.relative(ROOT, file)}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS({ maxAliasCount: 1000 }) as unknown;
  }).filter((doc) => doc !== null && doc !== undefined);
}

/** Files under `dir` (recursively) whose names end with one of `extensions`. */
export function filesUnder(dir: string, extensions: string[]): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, extensions));
    else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(full);
  }
  return out.sort();
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemName(item: unknown): string | undefined {
  if (!isObject(item)) return undefined;
  if (typeof item.name === 'string') return item.name;
  const meta = item.metadata;
  return isObject(meta) && typeof meta.name === 'string' ? meta.name : undefined;
}

/** Strategic-merge `patch` into `target` (a copy is returned). */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isObject(target) && isObject(patch)) {
    const out: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(patch)) out[key] = key in target ? strategicMerge(target[key], value) : value;
    return out;
  }
  if (Array.isArray(target) && Array.isArray(patch) && [...(target as unknown[]), ...(patch as unknown[])].every((item) => itemName(item) !== undefined)) {
    const out: unknown[] = [...(target as unknown[])];
    for (const item of patch as unknown[]) {
      const index = out.findIndex((existing) => itemName(existing) === itemName(item));
      if (index === -1) out.push(item);
      else out[index] = strategicMerge(out[index], item);
    }
    return out;
  }
  return patch;
}

function containersOf(resource: Manifest): Record<string, unknown>[] {
  const spec = resource.spec;
  if (!isObject(spec) || !isObject(spec.template) || !isObject(spec.template.spec)) return [];
  const podSpec = spec.template.spec;
  return [podSpec.containers, podSpec.initContainers].flatMap((list) => (Array.isArray(list) ? list.filter(isObject) : []));
}

/** Renders the Kustomization in `dir` to its list of resources. */
export function renderKustomization(dir: string): Manifest[] {
  const [kustomization] = readYamlDocuments(path.join(dir, 'kustomization.yaml'));
  if (!isObject(kustomization)) throw new Error(`${dir}/kustomization.yaml is not a map`);
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${dir}/kustomization.yaml uses ${unsupported.join(', ')}, which test/deploy/manifests.ts does not render`);
  let resources: Manifest[] = [];
  for (const entry of (kustomization.resources ?? []) as string[]) {
    const full = path.join(dir, entry);
    resources.push(...(fs.statSync(full).isDirectory() ? renderKustomization(full) : (readYamlDocuments(full) as Manifest[])));
  }
  for (const patchEntry of (kustomization.patches ?? []) as { path?: string }[]) {
    if (patchEntry.path === undefined) throw new Error(`${dir}: only file patches are rendered`);
    for (const patch of readYamlDocuments(path.join(dir, patchEntry.path)) as Manifest[]) {
      const index = resources.findIndex((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
      if (index === -1) throw new Error(`${dir}/${patchEntry.path}: no ${patch.kind} named ${patch.metadata.name} to patch`);
      resources[index] = strategicMerge(resources[index], patch) as Manifest;
    }
  }
  for (const image of (kustomization.images ?? []) as { name: string; newName?: string; newTag?: string }[]) {
    for (const resource of resources) {
      for (const container of containersOf(resource)) {
        const current = String(container.image);
        const name = current.split(':')[0];
        if (name !== image.name) continue;
        const tag = image.newTag ?? (current.includes(':') ? current.split(':')[1] : undefined);
        container.image = `${image.newName ?? name}${tag === undefined ? '' : `:${tag}`}`;
      }
    }
  }
  if (typeof kustomization.namespace === 'string') {
    const namespace = kustomization.namespace;
    resources = resources.map((r) => ({ ...r, metadata: { ...r.metadata, namespace } }));
  }
  return resources;
}

/** Every container of every workload, with the workload it belongs to. */
export function containers(resources: Manifest[]): { resource: Manifest; container: Record<string, unknown> }[] {
  return resources.flatMap((resource) => containersOf(resource).map((container) => ({ resource, container })));
}
