/**
 * Bad input never stops paper trading (SPEC §11): 1,000 generated files (fast-check) — wrong types, missing
 * fields, huge numbers, NaN, unknown assets, path-like names, non-JSON, empty files, partial writes — mixed with
 * good alerts. Every bad file ends in rejected/ beside a reason, every good alert is applied, and nothing is
 * written or read outside the alerts directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryLogger, silentLogger } from '../src/core/log.js';
import { MINUTE_MS } from '../src/core/time.js';
import { AlertConsumer } from '../src/paper/consumer.js';
import type { Store } from '../src/storage/store.js';
import { dropPgSchema, storeTargets, tempDir } from './helpers/env.js';
import { alertOf, paperFixture } from './helpers/paper.js';

type Case = { kind: 'good' | 'bad'; name: string; text: string; label: string };

const MUTATIONS: [string, (o: Record<string, unknown>) => void][] = [
  ['confidence as text', (o) => (o.confidence = 'high')],
  ['price as text', (o) => (o.price = '100')],
  ['side as number', (o) => (o.signal_type = 1)],
  ['no id', (o) => delete o.id],
  ['no timestamp', (o) => delete o.timestamp],
  [
    'no symbol and asset',
    (o) => {
      delete o.symbol;
      delete o.asset;
    },
  ],
  ['no price', (o) => delete o.price],
  ['huge price', (o) => (o.price = 1e300)],
  ['huge confidence', (o) => (o.confidence = 1e10)],
  ['timestamp in the far future', (o) => (o.timestamp = 1e20)],
  ['timestamp in seconds', (o) => (o.timestamp = 1_700_000_000)],
  ['negative stop', (o) => (o.stop_loss = -5)],
  [
    'unknown asset',
    (o) => {
      o.symbol = 'FOO/USDT';
      o.asset = 'foocoin';
    },
  ],
  ['path-like id', (o) => (o.id = '../../etc/passwd')],
  ['unknown schema', (o) => (o.schema = 'mts.alert/v9')],
  ['array instead of object', () => {}],
];

function cases(now: number, n: number): Case[] {
  const good = fc.record({ kind: fc.constant('good' as const) });
  const mutated = fc.record({ kind: fc.constant('mutated' as const), m: fc.integer({ min: 0, max: MUTATIONS.length - 1 }) });
  const raw = fc.record({
    kind: fc.constant('raw' as const),
    text: fc.oneof(
      fc.constant(''),
      fc.constant('   \n'),
      fc.string({ maxLength: 40 }).filter((s) => !s.trim().startsWith('{')),
      fc.constant('{"schema":"mts.alert/v1","id":"'),
      fc.constant('{"schema": "mts.alert/v1", "price": NaN}'),
      fc.constant('null'),
      fc.constant('[1,2,3]'),
      fc.jsonValue().map((v) => JSON.stringify(v)).filter((t) => !t.startsWith('{')),
    ),
  });
  const partial = fc.record({ kind: fc.constant('partial' as const), cut: fc.double({ min: 0.05, max: 0.95, noNaN: true }) });
  const pathName = fc.constantFrom('..%2F..%2Fescape', '..\\..\\escape', '....', ' ~root', '%2e%2e%2fetc%2fpasswd', 'a..b..c');
  const arb = fc.record({ body: fc.oneof({ weight: 3, arbitrary: good }, { weight: 3, arbitrary: mutated }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: partial }), pathLike: fc.option(pathName, { freq: 4 }) });
  const out: Case[] = [];
  let goodSeen = 0;
  fc.sample(arb, { seed: 4242, numRuns: n }).forEach((c, i) => {
    const ts = now - 60_000 + i;
    const base = (id: number) => `alert_${String(id).padStart(4, '0')}`;
    const name = c.pathLike !== null && c.body.kind !== 'good' ? `${c.pathLike}_${i}.json` : `${base(i)}.json`;
    if (c.body.kind === 'good') {
      // LONG then CLOSE, over and over: each good alert is one the book can act on.
      const side = goodSeen++ % 2 === 0 ? 'LONG' : 'CLOSE';
      out.push({ kind: 'good', name, text: JSON.stringify(alertOf(side, ts, { size: 0.01 })), label: 'good' });
    } else if (c.body.kind === 'mutated') {
      const [label, mutate] = MUTATIONS[c.body.m];
      const o = { ...alertOf('LONG', ts) } as Record<string, unknown>;
      mutate(o);
      out.push({ kind: 'bad', name, text: label === 'array instead of object' ? JSON.stringify([o]) : JSON.stringify(o), label });
    } else if (c.body.kind === 'raw') {
      out.push({ kind: 'bad', name, text: c.body.text, label: 'not an alert object' });
    } else {
      const full = JSON.stringify(alertOf('LONG', ts), null, 2);
      out.push({ kind: 'bad', name, text: full.slice(0, Math.floor(full.length * c.body.cut)), label: 'partial write' });
    }
  });
  return out;
}

// 1,000 files on the embedded default; PostgreSQL (one round trip per statement) runs the same mix on 300.
describe.each(storeTargets().map((t) => ({ ...t, files: t.name === 'sqlite' ? 1000 : 300 })))('paper alert consumer with bad input on $name', ({ url, files }) => {
  const urls: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const u of urls) await dropPgSchema(u);
  });
  const fixture = async (log = silentLogger) => {
    const u = url();
    urls.push(u);
    const f = await paperFixture(u, { 'BTC/USDT': 100 }, {}, log);
    stores.push(f.store);
    const root = tempDir();
    const dir = path.join(root, 'alerts');
    mkdirSync(dir);
    const consumer = new AlertConsumer({ dir, engine: f.engine, assets: f.config.assets, log });
    await consumer.prepare();
    return { ...f, root, dir, consumer };
  };

  it('quarantines generated bad files with reasons and applies every good alert among them', async () => {
    const { dir, root, consumer, store, clock } = await fixture();
    const all = cases(clock.now(), files);
    for (const c of all) writeFileSync(path.join(dir, c.name), c.text);
    // A link to a file outside the directory is not followed.
    writeFileSync(path.join(root, 'outside.json'), JSON.stringify(alertOf('LONG', clock.now())));
    symlinkSync(path.join(root, 'outside.json'), path.join(dir, 'link.json'));
    const bad = all.filter((c) => c.kind === 'bad');
    const good = all.filter((c) => c.kind === 'good');
    expect(bad.length).toBeGreaterThan(files / 2);
    expect(good.length).toBeGreaterThan(files / 5);

    const r = await consumer.drain();
    expect(r.failed).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['processed', 'rejected']);
    expect(readdirSync(root).sort()).toEqual(['alerts', 'outside.json']);
    const rejected = new Set(readdirSync(path.join(dir, 'rejected')));
    for (const c of [...bad, { name: 'link.json', label: 'symbolic link' }]) {
      expect(rejected.has(c.name), `${c.label}: ${c.name}`).toBe(true);
      const reason = readFileSync(path.join(dir, 'rejected', `${c.name}.reason.txt`), 'utf8').split('\n')[1];
      expect(reason.length, `${c.label}: ${c.name}`).toBeGreaterThan(5);
    }
    expect(readFileSync(path.join(dir, 'rejected', 'link.json.reason.txt'), 'utf8')).toContain('symbolic link');
    expect(readdirSync(path.join(dir, 'processed')).sort()).toEqual(good.map((c) => c.name).sort());
    const counts = await store.paper.alertCounts();
    expect(counts.applied).toBe(good.length);
    expect(counts.malformed).toBe(bad.length + 1);
    expect((await store.paper.fills()).length).toBe(good.length);
    // A second pass finds nothing to do.
    expect((await consumer.drain()).outcomes).toEqual([]);
  });

  it('skips duplicate ids, old alerts and alerts without a price, each with a logged reason, and moves their files', async () => {
    const mem = memoryLogger({ level: 'info' });
    const { dir, consumer, clock, store } = await fixture(mem.logger);
    const first = alertOf('LONG', clock.now() - 1000);
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(first));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(first));
    writeFileSync(path.join(dir, 'old.json'), JSON.stringify(alertOf('LONG', clock.now() - 10 * MINUTE_MS, { symbol: 'ETH/USDT' })));
    writeFileSync(path.join(dir, 'sol.json'), JSON.stringify(alertOf('LONG', clock.now(), { symbol: 'SOL/USDT' })));
    const r = await consumer.drain();
    const by = Object.fromEntries(r.outcomes.map((o) => [o.file, o]));
    expect(by['a.json'].status).toBe('applied');
    expect(by['b.json']).toMatchObject({ status: 'duplicate' });
    expect(by['old.json'].status).toBe('skipped');
    expect(by['old.json'].reason).toContain('older than the maximum age');
    expect(by['sol.json']).toMatchObject({ status: 'rejected', reason: 'no price for SOL/USDT: no stored candle and no tick' });
    for (const text of ['already consumed', 'older than the maximum age', 'no price for SOL/USDT']) {
      expect(mem.lines.some((l) => l.includes(text)), text).toBe(true);
    }
    expect(readdirSync(path.join(dir, 'processed')).sort()).toEqual(['a.json', 'b.json', 'old.json', 'sol.json']);
    expect(await store.paper.fills()).toHaveLength(1);

    // A file whose alert was applied but not moved (a crash between commit and rename) is just moved.
    writeFileSync(path.join(dir, 'again.json'), JSON.stringify(first));
    const again = await consumer.drain();
    expect(again.outcomes).toEqual([expect.objectContaining({ file: 'again.json', status: 'duplicate' })]);
    expect(existsSync(path.join(dir, 'processed', 'again.json'))).toBe(true);
    expect(await store.paper.fills()).toHaveLength(1);
  });
});
