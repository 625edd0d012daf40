// Bundles the web interface into OUT_DIR (argument 1; default ../../../target/classes/static):
//   index.html, assets/app-<hash>.js, assets/app-<hash>.css, favicon.svg, and a .gz beside each text file
// (served by Spring when the browser accepts gzip). Installs the locked npm packages first when they are
// missing or older than package-lock.json. Run by the api module's Maven build (exec-maven-plugin).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, '../../../target/classes/static'));

const installed = path.join(here, 'node_modules/.package-lock.json');
const lock = path.join(here, 'package-lock.json');
if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs) {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
}
const esbuild = await import('esbuild');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: [path.join(here, 'src/main.js'), path.join(here, 'src/app.css')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  platform: 'browser',
  outdir: path.join(out, 'assets'),
  entryNames: 'app-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const names = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = names.find((n) => n.endsWith('.js'));
const css = names.find((n) => n.endsWith('.css'));
const html = fs.readFileSync(path.join(here, 'src/index.html'), 'utf8')
  .replace('%APP_JS%', `/assets/${js}`)
  .replace('%APP_CSS%', `/assets/${css}`);
fs.writeFileSync(path.join(out, 'index.html'), html);
fs.copyFileSync(path.join(here, 'src/favicon.svg'), path.join(out, 'favicon.svg'));

for (const file of walk(out)) {
  if (/\.(html|js|css|svg|txt)$/.test(file)) {
    fs.writeFileSync(file + '.gz', zlib.gzipSync(fs.readFileSync(file), { level: 9 }));
  }
}
const digest = createHash('sha256').update(html).digest('hex').slice(0, 12);
console.log(`web interface built into ${out} (${js}, ${css}, index ${digest})`);

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}
