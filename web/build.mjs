// Builds the web app into dist/: one JavaScript bundle and one style sheet, minified, with
// the hash of their content in their names (the gateway lets browsers keep them for a
// year), gzip copies beside them (served as they are, without compressing per request),
// and index.html naming them (never cached).  Usage: node build.mjs [--out DIR]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(here, 'dist');

const bundled = await build({
  entryPoints: [join(here, 'src/main.js'), join(here, 'src/style.css')],
  bundle: true,
  minify: true,
  write: false,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: 'assets',
  legalComments: 'none',
  logLevel: 'warning',
});

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'assets'), { recursive: true });
const names = {};
let compressed = 0;
for (const file of bundled.outputFiles) {
  const extension = file.path.endsWith('.css') ? 'css' : 'js';
  const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
  const name = `assets/app-${hash}.${extension}`;
  const gzip = gzipSync(file.contents, { level: 9 });
  await writeFile(join(out, name), file.contents);
  await writeFile(join(out, `${name}.gz`), gzip);
  names[extension] = name;
  compressed += gzip.length;
}

const page = (await readFile(join(here, 'src/index.html'), 'utf8'))
  .replace('%STYLE%', `/${names.css}`)
  .replace('%SCRIPT%', `/${names.js}`);
await writeFile(join(out, 'index.html'), page);
await writeFile(join(out, 'index.html.gz'), gzipSync(page, { level: 9 }));
compressed += gzipSync(page, { level: 9 }).length;
console.log(`web app built in ${out}: ${names.js}, ${names.css}; ${(compressed / 1024).toFixed(1)} KiB compressed`);
