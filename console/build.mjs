// Builds the web console into dist/console (served at /console by src/http/console.ts): one bundled,
// content-hashed script and stylesheet, an index.html naming them, and asset-manifest.json written last so a
// half-written build is never served. Run by `npm run build`; `node console/build.mjs [outDir]` builds elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT_DIR = path.resolve(here, '..', 'dist', 'console');

/** Builds the console into `outDir`, replacing what was there. Returns the manifest. */
export async function buildConsole(outDir = DEFAULT_OUT_DIR) {
  const staging = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(here, 'src', 'main.ts') },
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    entryNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    outdir: staging,
    metafile: true,
    tsconfig: path.join(here, 'tsconfig.json'),
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint !== undefined);
  if (entry === undefined || entry[1].cssBundle === undefined) throw new Error('console build: no script or stylesheet was produced');
  const relative = (file) => path.relative(staging, path.resolve(file)).split(path.sep).join('/');
  const script = relative(entry[0]);
  const stylesheet = relative(entry[1].cssBundle);

  const html = fs.readFileSync(path.join(here, 'index.html'), 'utf8').replace('%APP_JS%', script).replace('%APP_CSS%', stylesheet);
  fs.writeFileSync(path.join(staging, 'index.html'), html);
  fs.copyFileSync(path.join(here, 'favicon.svg'), path.join(staging, 'favicon.svg'));
  const manifest = { script, stylesheet, files: outputs.map(([file]) => relative(file)).concat(['index.html', 'favicon.svg']).sort() };
  fs.writeFileSync(path.join(staging, 'asset-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(staging, outDir);
  return manifest;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] === undefined ? DEFAULT_OUT_DIR : path.resolve(process.argv[2]);
  buildConsole(outDir).then(
    (manifest) => process.stdout.write(`console built into ${path.relative(process.cwd(), outDir) || '.'}: ${manifest.script}, ${manifest.stylesheet}\n`),
    (err) => {
      process.stderr.write(`console build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
