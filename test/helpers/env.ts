import { mkdtempSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared real-data folder: MTS_TEST_DATA_DIR, else ../shared/data beside the repo. */
export function testDataDir(): string {
  const dir = process.env.MTS_TEST_DATA_DIR ? path.resolve(process.env.MTS_TEST_DATA_DIR) : path.resolve(REPO_ROOT, '../shared/data');
  if (!existsSync(dir)) throw new Error(`test data not found at ${dir}; set MTS_TEST_DATA_DIR to the shared/data folder`);
  return dir;
}

export function dataFile(...parts: string[]): string {
  return path.join(testDataDir(), ...parts);
}

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'mts-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let seq = 0;

/**
 * The databases a storage-backed suite runs against: always a SQLite file; PostgreSQL too when
 * MTS_TEST_DATABASE_URL is set (as in CI). Each call gives a new database (a new file / a new schema).
 */
export function storeTargets(): { name: 'sqlite' | 'postgres'; url: () => string }[] {
  const targets: { name: 'sqlite' | 'postgres'; url: () => string }[] = [
    { name: 'sqlite', url: () => `sqlite:${path.join(tempDir(), `t${seq++}.db`)}` },
  ];
  const pg = process.env.MTS_TEST_DATABASE_URL;
  if (pg) {
    targets.push({
      name: 'postgres',
      url: () => {
        const schema = `mts_t_${process.pid}_${Date.now().toString(36)}_${seq++}`;
        const u = new URL(pg);
        u.searchParams.set('schema', schema);
        return u.toString();
      },
    });
  }
  return targets;
}

/** Drops a test schema made by storeTargets (PostgreSQL only). */
export async function dropPgSchema(url: string): Promise<void> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  if (!schema || !u.protocol.startsWith('postgres')) return;
  u.searchParams.delete('schema');
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
