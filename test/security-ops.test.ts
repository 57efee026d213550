import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/load.js';
import { maskConfig } from '../src/config/mask.js';
import { createApiKey, roleAllows, safeEqual, verifyApiKey } from '../src/security/keys.js';
import { backupStore, restorePostgres, restoreSqlite } from '../src/storage/backup.js';
import { openStore, type Store } from '../src/storage/store.js';
import { runMts } from './helpers/cli.js';
import { dataFile, dropPgSchema, REPO_ROOT, storeTargets, tempDir } from './helpers/env.js';

describe('API keys', () => {
  const dir = tempDir();

  it('are shown once, stored only as salted hashes, verified, and stop working when revoked', async () => {
    const store = await openStore(`sqlite:${path.join(dir, 'k.db')}`);
    const k = await createApiKey(store, { name: 'ci', role: 'operator' });
    expect(k.key).toMatch(/^mts_[0-9a-f]{12}_/);
    const raw = new Database(path.join(dir, 'k.db'), { readonly: true });
    const dump = JSON.stringify(raw.prepare('SELECT * FROM api_keys').all());
    raw.close();
    expect(dump).not.toContain(k.key.split('_')[2]);
    expect(await verifyApiKey(store, k.key)).toEqual({ ok: true, id: k.id, name: 'ci', role: 'operator' });
    expect(await verifyApiKey(store, `${k.key.slice(0, -1)}${k.key.endsWith('A') ? 'B' : 'A'}`)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyApiKey(store, 'Bearer nonsense')).toEqual({ ok: false, reason: 'malformed' });
    await store.security.revokeKey(k.id, Date.now());
    expect(await verifyApiKey(store, k.key)).toEqual({ ok: false, reason: 'revoked' });
    await store.close();
  });

  it('orders roles admin > operator > viewer and compares tokens of any length', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(safeEqual('token-abc', 'token-abc')).toBe(true);
    expect(safeEqual('token-abc', 'token-abd')).toBe(false);
    expect(safeEqual('short', 'a-much-longer-token')).toBe(false);
  });

  it('mts keys create/list/revoke and mts audit work as a user runs them', async () => {
    const env = { MTS_DATA_DIR: path.join(dir, 'cli') };
    const created = await runMts(['keys', 'create', '--role', 'viewer', '--name', 'dashboard', '--json'], { env });
    expect(created.code).toBe(0);
    const k = JSON.parse(created.stdout);
    const list = await runMts(['keys', 'list'], { env });
    expect(list.stdout).toContain(`${k.id}  viewer`);
    expect(list.stdout).not.toContain(k.key);
    expect((await runMts(['keys', 'revoke', k.id], { env })).code).toBe(0);
    const again = await runMts(['keys', 'revoke', k.id], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no active key with id ${k.id}`);
    const bad = await runMts(['keys', 'create', '--role', 'root', '--name', 'x'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('allowed: viewer, operator, admin');
    const audit = JSON.parse((await runMts(['audit', '--json'], { env })).stdout);
    expect(audit.items.map((e: { action: string; result: string }) => `${e.action} ${e.result}`)).toEqual(['keys revoke error', 'keys revoke ok', 'keys create ok']);
  });
});

/** A child process that keeps committing candles, one per transaction, printing each committed ts. */
function startWriter(dbFile: string): { stop: () => Promise<number[]>; committed: number[] } {
  const script = path.join(path.dirname(dbFile), 'writer.mjs');
  writeFileSync(
    script,
    `import Database from ${JSON.stringify(path.join(REPO_ROOT, 'node_modules/better-sqlite3/lib/index.js'))};
const db = new Database(${JSON.stringify(dbFile)}); db.pragma('journal_mode = WAL'); db.pragma('busy_timeout = 5000');
const id = db.prepare("SELECT id FROM candle_series WHERE symbol = 'BTC/USDT'").get().id;
const ins = db.prepare('INSERT INTO candles (series_id, ts, open, high, low, close, volume) VALUES (?, ?, 1, 2, 0.5, 1.5, 1)');
let ts = 1e12; const stop = () => process.exit(0); process.on('SIGTERM', stop);
const tick = () => { ins.run(id, ts); process.stdout.write(ts + '\\n'); ts += 3600000; setImmediate(tick); }; tick();`,
  );
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const committed: number[] = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) committed.push(Number(l));
  });
  return {
    committed,
    stop: () =>
      new Promise((resolve) => {
        child.on('close', () => resolve(committed));
        child.kill('SIGTERM');
      }),
  };
}

describe('backup and restore', () => {
  const dir = tempDir();

  it('takes a SQLite backup while another process writes; the restore passes an integrity check and holds every row committed before it started', async () => {
    const dbFile = path.join(dir, 'live', 'mts.db');
    const store = await openStore(`sqlite:${dbFile}`);
    await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, [{ ts: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1 }]);
    await store.ops.putSchedulerState({ item: 'candles:BTC', lastRun: 1, lastSuccess: 1, lastError: null, failures: 0, nextRun: 2, dataUntil: 1 });
    const writer = startWriter(dbFile);
    while (writer.committed.length < 200) await new Promise((r) => setTimeout(r, 20));
    const committedBefore = [...writer.committed];
    const config = buildConfig({ sources: { fred: { apiKey: 'fred-secret-key-123' } } });
    const backup = path.join(dir, 'snap.mtsbak');
    const manifest = await backupStore(store, `sqlite:${dbFile}`, backup, maskConfig(config));
    const written = await writer.stop();
    expect(written.length).toBeGreaterThan(committedBefore.length); // writes went on during and after
    await store.close();

    expect(JSON.stringify(manifest)).not.toContain('fred-secret-key-123');
    const restored = path.join(dir, 'restored', 'mts.db');
    restoreSqlite(backup, restored);
    const db = new Database(restored, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const ts = new Set((db.prepare('SELECT ts FROM candles').all() as { ts: number }[]).map((r) => r.ts));
    for (const t of committedBefore) expect(ts.has(t)).toBe(true);
    expect((db.prepare('SELECT item FROM scheduler_state').all() as { item: string }[]).map((r) => r.item)).toEqual(['candles:BTC']);
    db.close();
    // never over a database that exists
    expect(() => restoreSqlite(backup, restored)).toThrow(/already exists; restore into an empty data dir/);
  });

  it('mts backup / mts restore from the command line', async () => {
    const src = { MTS_DATA_DIR: path.join(dir, 'cli-src') };
    await runMts(['import', dataFile('fred/DGS10.csv'), '--series', 'DGS10'], { env: { ...src, MTS_TEST_DATA_DIR: '' } });
    const file = path.join(dir, 'cli.mtsbak');
    const b = await runMts(['backup', file], { env: src });
    expect(b.code).toBe(0);
    const r = await runMts(['restore', file], { env: { MTS_DATA_DIR: path.join(dir, 'cli-dst') } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('integrity and row counts verified');
    const a = await runMts(['export', 'macro', '--series', 'DGS10'], { env: src });
    const c = await runMts(['export', 'macro', '--series', 'DGS10'], { env: { MTS_DATA_DIR: path.join(dir, 'cli-dst') } });
    expect(c.stdout).toBe(a.stdout);
    expect(c.stdout.split('\n').length).toBeGreaterThan(10_000);
    const notBackup = path.join(dir, 'x.txt');
    writeFileSync(notBackup, 'hello');
    const bad = await runMts(['restore', notBackup], { env: { MTS_DATA_DIR: path.join(dir, 'cli-bad') } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an MTS backup');
  });

  const pgTargets = storeTargets().filter((t) => t.name === 'postgres');
  for (const target of pgTargets) {
    const opened: string[] = [];
    afterAll(async () => {
      for (const u of opened) await dropPgSchema(u);
    });
    it('backs up PostgreSQL with pg_dump and restores into an empty database, verified', async () => {
      const url = target.url();
      opened.push(url);
      const store: Store = await openStore(url);
      await store.macro.upsert([
        { series: 'VIXCLS', date: 0, value: 20 },
        { series: 'VIXCLS', date: 86_400_000, value: null },
      ]);
      const file = path.join(dir, 'pg.dump');
      const m = await backupStore(store, url, file, {});
      await store.close();
      expect(m.tables.macro_observations).toBe(2);
      const base = new URL(url);
      const dbName = `mts_restore_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: `${base.protocol}//${base.username}@${base.host}/postgres` });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      try {
        const restoredUrl = new URL(url);
        restoredUrl.pathname = `/${dbName}`;
        await restorePostgres(file, restoredUrl.toString(), (u) => openStore(u, { migrate: false }));
        const restored = await openStore(restoredUrl.toString());
        expect(await restored.macro.read('VIXCLS')).toEqual([
          { series: 'VIXCLS', date: 0, value: 20 },
          { series: 'VIXCLS', date: 86_400_000, value: null },
        ]);
        await restored.close();
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    });
  }
});
