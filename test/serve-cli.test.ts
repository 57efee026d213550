import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers/env.js';

describe('mts serve', () => {
  it('serves health, metrics and the dashboard on loopback, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const env = { ...process.env, MTS_DATA_DIR: dir, MTS_LOG_LEVEL: 'warn' };
    delete (env as Record<string, string | undefined>).MTS_API_TOKEN;
    delete (env as Record<string, string | undefined>).MTS_HTTP_HOST;
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`mts serve exited early: ${stderr}`)));
    });
    try {
      const health = await fetch(`${address}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { status: string; components: { database: { status: string } } };
      expect(body.components.database.status).toBe('ok');
      const metrics = await (await fetch(`${address}/metrics`)).text();
      expect(metrics).toContain('mts_process_resident_memory_bytes');
      expect((await fetch(`${address}/`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/error/i);
  });
});
