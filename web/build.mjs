// Builds web/dist: the bundled app (one ES module), its stylesheet and index.html.
// Run through `npm run build` (which type-checks first). No network, no source maps in dist.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

// pdf.js's worker (an ES module) as a content-hashed .js file kysod serves beside the bundle.
const worker = await readFile(join(here, 'node_modules/pdfjs-dist/build/pdf.worker.min.mjs'));
const workerName = `pdf.worker-${createHash('sha256').update(worker).digest('hex').slice(0, 12)}.js`;
await writeFile(join(dist, workerName), worker);

const result = await build({
  define: { __PDF_WORKER__: JSON.stringify(workerName) },
  entryPoints: [join(here, 'src/main.tsx')],
  bundle: true,
  format: 'esm',
  // pdf.js is loaded on the first preview only: its own chunk, content-hashed like the app.
  splitting: true,
  entryNames: 'app-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  target: ['es2022'],
  minify: true,
  write: false,
  outdir: dist,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
const entryOut = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)?.[0];
const js = result.outputFiles.find((f) => entryOut && f.path.endsWith('/' + basename(entryOut)));
if (!js) throw new Error('esbuild produced no JavaScript');
const chunks = result.outputFiles.filter((f) => f !== js && f.path.endsWith('.js'));
for (const c of chunks) await writeFile(join(dist, basename(c.path)), c.contents);
const css = await readFile(join(here, 'src/styles.css'));
// Content-hashed names so that a browser never mixes an old bundle with a new page.
const h = (b) => createHash('sha256').update(b).digest('hex').slice(0, 12);
const jsName = basename(js.path);
const cssName = `app-${h(css)}.css`;
await writeFile(join(dist, jsName), js.contents);
await writeFile(join(dist, cssName), css);
const html = (await readFile(join(here, 'index.html'), 'utf8'))
  .replace('%APP_JS%', jsName)
  .replace('%APP_CSS%', cssName);
await writeFile(join(dist, 'index.html'), html);
await copyFile(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));
// The kyso extension's page API, loaded by src/agent.ts only when the extension is present.
await copyFile(join(here, '../agent/extension/page/kyso-agent.js'), join(dist, 'kyso-agent.js'));
console.log(`web/dist: index.html, ${jsName} (${js.contents.length} B), ${chunks.length} chunk(s) (${chunks.reduce((n, c) => n + c.contents.length, 0)} B), ${cssName} (${css.length} B), ${workerName} (${worker.length} B)`);
