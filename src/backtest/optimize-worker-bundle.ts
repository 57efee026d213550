/**
 * A fast-starting entry for the optimize worker threads when MTS runs from its TypeScript sources. A thread started
 * on the tsx entry registers tsx and compiles ~60 modules on the fly (~0.5 s per thread); this bundles the worker
 * and everything it imports once with esbuild (tsx's own compiler) into one plain .mjs file under
 * node_modules/.cache/mts, keyed by a hash of the exact source text it was built from, so a thread starts in tens
 * of milliseconds. The bundle is rebuilt when any of those sources changes, and never used for a strategy file
 * (the file and its `import … from 'mts'` need tsx). Any failure (esbuild missing, read-only disk) returns null and
 * the pool uses the tsx entry: slower to start, same results. `MTS_WORKER_BUNDLE=0` turns the bundle off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bumped when the build options below change, so an old bundle is not taken for a new one. */
const FORMAT = 'mts-bundle/1';
/** Bundles of one name kept in the cache (older ones are removed). */
const KEEP = 8;

export interface BundleSpec {
  /** The entry module (absolute path). */
  entry: string;
  /** Sources are recorded relative to this directory (the checkout). */
  root: string;
  cacheDir: string;
  /** File name prefix of the bundle and its manifest. */
  name: string;
}

interface Manifest {
  format: string;
  hash: string;
  /** Source files relative to the root, in build order. */
  inputs: string[];
  file: string;
}

function hashOf(sources: readonly [file: string, text: string][]): string {
  const h = createHash('sha256').update(FORMAT).update('\0').update(process.version);
  for (const [file, text] of sources) h.update(file).update('\0').update(text).update('\0');
  return h.digest('hex');
}

/** One manifest per checkout and entry (checkouts may share a cache): which sources the current bundle came from. */
function manifestOf(s: BundleSpec): string {
  return path.join(s.cacheDir, `${s.name}-${createHash('sha256').update(s.root).update('\0').update(s.entry).digest('hex').slice(0, 12)}.json`);
}

/** The cached bundle when its sources are unchanged, else null. */
function cached(s: BundleSpec): string | null {
  try {
    const m = JSON.parse(readFileSync(manifestOf(s), 'utf8')) as Manifest;
    if (m.format !== FORMAT || !Array.isArray(m.inputs) || m.inputs.length === 0) return null;
    const sources = m.inputs.map((f): [string, string] => [f, readFileSync(path.join(s.root, f), 'utf8')]);
    const file = path.join(s.cacheDir, m.file);
    return hashOf(sources) === m.hash && statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function prune(s: BundleSpec, keep: string): void {
  const old = readdirSync(s.cacheDir)
    .filter((f) => f.startsWith(`${s.name}-`) && f.endsWith('.mjs') && f !== keep)
    .map((f) => ({ f, t: statSync(path.join(s.cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of old.slice(KEEP - 1)) rmSync(path.join(s.cacheDir, f), { force: true });
}

async function build(s: BundleSpec): Promise<string> {
  const esbuild = await import('esbuild');
  // The hash covers exactly the text esbuild compiled: each source is read once, here.
  const sources = new Map<string, string>();
  const result = await esbuild.build({
    entryPoints: [s.entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'mts-source-hash',
        setup(b) {
          b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            sources.set(path.relative(s.root, args.path), text);
            return { contents: text, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
          });
        },
      },
    ],
  });
  const inputs = [...sources.keys()];
  const hash = hashOf(inputs.map((f) => [f, sources.get(f) as string]));
  const file = `${s.name}-${hash.slice(0, 16)}.mjs`;
  mkdirSync(s.cacheDir, { recursive: true });
  writeAtomically(path.join(s.cacheDir, file), result.outputFiles[0].text);
  writeAtomically(manifestOf(s), JSON.stringify({ format: FORMAT, hash, inputs, file } satisfies Manifest));
  prune(s, file);
  return path.join(s.cacheDir, file);
}

/** The bundle of `spec.entry`: the cached one if none of its sources changed, else built now. */
export async function bundle(spec: BundleSpec): Promise<string> {
  return cached(spec) ?? (await build(spec));
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
let memo: Promise<string | null> | undefined;

/**
 * The path of the bundled optimize worker (built now if missing or stale), or null to use the tsx entry. Checked
 * once per process: the threads then run the code this process loaded.
 */
export function bundledWorkerEntry(): Promise<string | null> {
  if (process.env.MTS_WORKER_BUNDLE === '0') return Promise.resolve(null);
  memo ??= bundle({ entry: path.join(here, 'optimize-worker.ts'), root, cacheDir: path.join(root, 'node_modules', '.cache', 'mts'), name: 'optimize-worker' }).catch(() => null);
  return memo;
}
