import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../../test/helpers/env.js';
import { SPEC_SIGNAL } from '../../../test/helpers/signals.js';
import type { Signal } from '../../core/types.js';
import { listAlertFiles, readAlertFile } from './reader.js';
import { alertFromSignal } from './schema.js';
import { alertFileName, isTempAlertFile, sweepTempAlertFiles, writeAlert } from './writer.js';

// 2025-09-16 14:01:36.664 UTC
const base: Signal = { ...SPEC_SIGNAL, ts: Date.UTC(2025, 8, 16, 14, 1, 36, 664) };

describe('alert writer', () => {
  it('names files <kind>_alert_<asset>_<YYYYmmdd_HHMMSS>_<id8>.json in UTC', async () => {
    const a = alertFromSignal(base, { id: '0b5c6f1e-8d53-4c1a-9d0e-2f4b6a8c0d12' });
    expect(alertFileName(a)).toBe('signal_alert_bitcoin_20250916_140136_0b5c6f1e.json');
    const v = { ...a, alert_type: 'volatility_spike' as const };
    expect(alertFileName(v)).toBe('volatility_alert_bitcoin_20250916_140136_0b5c6f1e.json');
  });

  it('writes alerts that parse, validate and round-trip for every side, asset and option', async () => {
    const dir = tempDir();
    const written = [];
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'XRP/USDT', 'AVAX/USDT']) {
      for (const side of ['LONG', 'SHORT', 'CLOSE'] as const) {
        const alert = alertFromSignal(
          { ...base, symbol, side, stopLoss: side === 'CLOSE' ? null : base.stopLoss, meta: { method: 'weighted', nested: { a: [1, 2] } } },
          { risk: { level: 'LOW', approved: true, reasons: [] } },
        );
        const file = await writeAlert(alert, dir);
        written.push({ alert, file });
      }
    }
    const vol = {
      ...alertFromSignal(base),
      alert_type: 'volatility_spike' as const,
      volatility_value: 0.042,
      volatility_threshold: 0.03,
      volatility_percentile: 96.5,
      position_direction: 'STRONG_BUY' as const,
      threshold_exceeded: true,
    };
    written.push({ alert: vol, file: await writeAlert(vol, dir) });
    expect((await listAlertFiles(dir)).length).toBe(written.length);
    for (const { alert, file } of written) {
      const text = await fs.readFile(file, 'utf8');
      expect(JSON.parse(text)).toEqual(alert);
      const back = await readAlertFile(file);
      expect(back).toEqual({ ok: true, alert, legacy: false });
    }
    expect((await fs.readdir(dir)).some(isTempAlertFile)).toBe(false);
  });

  it('never writes an invalid alert', async () => {
    const dir = tempDir();
    const bad = { ...alertFromSignal(base), price: -1 };
    await expect(writeAlert(bad, dir)).rejects.toThrow(/price/);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('leaves no .json behind when the writer fails before the rename', async () => {
    const dir = tempDir();
    await expect(
      writeAlert(alertFromSignal(base), dir, {
        beforeRename: () => {
          throw new Error('disk gone');
        },
      }),
    ).rejects.toThrow('disk gone');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('a process killed between write and rename leaves only a temp file, which the sweep removes', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/fixtures/alert-crash-writer.ts'), dir, 'hang'], { cwd: REPO_ROOT });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const names = await fs.readdir(dir);
    expect(names.filter((n) => n.endsWith('.json'))).toEqual([]);
    expect(names.filter(isTempAlertFile).length).toBe(1);
    expect(await listAlertFiles(dir)).toEqual([]);
    expect(await sweepTempAlertFiles(dir, Date.now() + 120_000)).toBe(1);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('a process killed at an arbitrary moment of a write loop leaves only complete, valid .json files', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/fixtures/alert-crash-writer.ts'), dir, 'loop'], { cwd: REPO_ROOT });
    const exited = new Promise((r) => child.on('exit', r));
    // Kill once several files exist, i.e. somewhere in the middle of a later write.
    for (;;) {
      const n = (await fs.readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json')).length;
      if (n >= 5) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    const files = await listAlertFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const r = await readAlertFile(f);
      expect(r.ok, f).toBe(true);
    }
  });
});
