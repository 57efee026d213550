/**
 * `mts signals` and `mts strategies` as a user runs them (spawned CLI): the documented example strategy runs and
 * is listed; a file with a syntax error, a file whose default export is not a strategy and a strategy that throws
 * each get an error naming the file and the strategy, while the other strategies still run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateAlert } from '../src/signals/alerts/index.js';
import { openStore } from '../src/storage/store.js';
import { REPO_ROOT, tempDir } from './helpers/env.js';
import { loadRealMarket } from './helpers/real-market.js';

const dir = tempDir('mts-cli-');
const db = `sqlite:${path.join(dir, 'mts.db')}`;
const example = path.join(REPO_ROOT, 'examples/my_strategy.ts');
const files = {
  syntax: path.join(dir, 'strategies/broken_syntax.ts'),
  badExport: path.join(dir, 'strategies/bad_export.ts'),
  throws: path.join(dir, 'strategies/throws.ts'),
};

function mts(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), '--db', db, '--data-dir', dir, '--log-level', 'error', ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, MTS_LOG_LEVEL: 'error' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const store = await openStore(db);
  await loadRealMarket(store, {
    hourlyFrom: Date.parse('2022-02-01T00:00:00Z'),
    dailyFrom: Date.parse('2022-02-01T00:00:00Z'),
    to: Date.parse('2022-07-01T00:00:00Z'),
    symbols: ['BTC/USDT', 'ETH/USDT'],
  });
  await store.close();
  // user files import the package by name, as they would with mts installed
  mkdirSync(path.join(dir, 'strategies/node_modules'), { recursive: true });
  writeFileSync(path.join(dir, 'strategies/package.json'), '{"type": "module"}\n');
  symlinkSync(REPO_ROOT, path.join(dir, 'strategies/node_modules/mts'), 'dir');
  writeFileSync(files.syntax, "import { defineStrategy } from 'mts';\nexport default defineStrategy({ name: 'broken', onBar: () => { return ( });\n");
  writeFileSync(files.badExport, "export default { name: 'not_made_with_define', onBar: () => null };\n");
  writeFileSync(
    files.throws,
    [
      "import { defineStrategy } from 'mts';",
      'export default defineStrategy({',
      "  name: 'always_throws', description: 'fails on purpose', params: {}, warmupBars: () => 5,",
      "  onBar: () => { throw new Error('bad arithmetic'); },",
      '});',
    ].join('\n'),
  );
});

describe('mts signals with user strategy files', () => {
  it('runs the documented example and reports each broken file by name while the others run', () => {
    const list = [example, files.syntax, files.badExport, files.throws, 'sma_cross'].join(',');
    const r = mts('signals', '--strategies', list, '--at', '2022-07-01T00:00:00Z', '--since', '2022-03-01T00:00:00Z', '--json');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    const ran = out.ran.map((x: { strategy: string }) => x.strategy);
    expect(ran).toEqual(['my_breakout', 'sma_cross']);
    const bySource = new Set(out.signals.map((s: { strategy: string }) => s.strategy));
    expect(bySource).toEqual(new Set(['my_breakout', 'sma_cross']));
    const failures: { strategy: string; error: string }[] = out.failures;
    const err = (needle: string) => failures.find((f) => f.error.includes(needle))?.error ?? '';
    expect(err('broken_syntax.ts')).toMatch(/strategy file .*broken_syntax\.ts: cannot load it/);
    expect(err('bad_export.ts')).toMatch(/strategy file .*bad_export\.ts: the default export must be a strategy made with defineStrategy/);
    expect(err('always_throws')).toMatch(/strategy always_throws \(.*throws\.ts\) failed in onBar for BTC\/USDT at 2022-.*: bad arithmetic/);
    expect(r.stderr).toContain('broken_syntax.ts');
    expect(r.stderr).toContain('always_throws');
  });

  it('writes valid alert files for the aggregate and prints them', () => {
    const alertsDir = path.join(dir, 'alerts');
    mkdirSync(alertsDir, { recursive: true });
    const before = new Set(readdirSync(alertsDir));
    const r = mts('signals', '--strategies', 'sma_cross,volatility', '--at', '2022-06-14T00:00:00Z', '--since', '2022-06-01T00:00:00Z');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/signals as of 2022-06-14T00:00:00.000Z: \d+ from 2 strategies/);
    const written = readdirSync(alertsDir).filter((f) => f.endsWith('.json') && !before.has(f));
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) {
      expect(r.stdout).toContain(f);
      const v = validateAlert(JSON.parse(readFileSync(path.join(alertsDir, f), 'utf8')));
      expect(v.ok && v.alert.strategy_name).toBe('aggregate');
    }
  });
});

describe('the documentation', () => {
  it('shows the example strategy exactly as the file the CLI runs', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/strategies.md'), 'utf8');
    expect(doc).toContain(`\`\`\`ts\n${readFileSync(example, 'utf8')}\`\`\``);
  });
});

describe('mts strategies', () => {
  it('lists the built-ins and a user file with parameters and defaults', () => {
    const r = mts('strategies', '--strategy', example, '--json');
    expect(r.code).toBe(0);
    const { strategies } = JSON.parse(r.stdout);
    const names = strategies.map((s: { name: string }) => s.name);
    expect(names).toEqual(['vix_correlation', 'mean_reversion', 'volatility', 'multi_bucket', 'ripple', 'sma_cross', 'my_breakout']);
    const mine = strategies.find((s: { name: string }) => s.name === 'my_breakout');
    expect(mine.origin).toBe(example);
    expect(mine.params.lookbackDays).toMatchObject({ default: 5, min: 1, max: 60 });
    const sma = strategies.find((s: { name: string }) => s.name === 'sma_cross');
    expect(sma.params).toMatchObject({ fast: { default: 10 }, slow: { default: 30 } });
  });

  it('names a broken file and still lists the rest', () => {
    const r = mts('strategies', '--strategy', files.badExport);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bad_export\.ts: the default export must be a strategy/);
    expect(r.stdout).toMatch(/vix_correlation {2}\[builtin\] {2}1d {2}weight 0.3 {2}enabled/);
    expect(r.stdout).toMatch(/sma_cross {2}\[builtin\] {2}1h {2}weight 0 {2}disabled/);
    expect(r.stdout).toContain('    fast = 10 [1..]  fast SMA period, bars');
  });
});
