/**
 * Backup and restore. SQLite: `VACUUM INTO` takes a consistent snapshot in one read transaction, so it is safe
 * while `mts run` writes (WAL); the manifest (row counts, masked config) goes inside the backup file. PostgreSQL:
 * `pg_dump` custom format, with the manifest beside it. Restore goes into an empty data dir / database and is
 * verified (integrity check, row counts) before it is put in place.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { GiveUpError, InputError } from '../core/errors.js';
import type { Store } from './store.js';

export const BACKUP_FORMAT = 'mts.backup/v1';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  created_at: number;
  dialect: 'sqlite' | 'postgres';
  migrations: string[];
  tables: Record<string, number>;
  /** The effective configuration with every secret masked. */
  config: Record<string, unknown>;
}

async function tableCounts(store: Store): Promise<Record<string, number>> {
  const names =
    store.dialect === 'sqlite'
      ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(store.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(store.db)).rows.map((r) => r.name);
  const out: Record<string, number> = {};
  for (const n of names) {
    if (!/^[a-z_0-9]+$/.test(n)) continue;
    out[n] = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(n)}`.execute(store.db)).rows[0].n);
  }
  return out;
}

function pgUrlParts(url: string): { conn: string; schema?: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { conn: u.toString(), schema };
}

/** Writes a consistent backup of the store to `file`; returns its manifest. */
export async function backupStore(store: Store, dbUrl: string, file: string, maskedConfig: Record<string, unknown>, now = Date.now()): Promise<BackupManifest> {
  const target = path.resolve(file);
  if (existsSync(target)) throw new InputError('E_BACKUP_EXISTS', `backup: ${target} already exists; choose a new file name`);
  mkdirSync(path.dirname(target), { recursive: true });
  const migrations = (await sql<{ name: string }>`SELECT name FROM mts_migrations ORDER BY name`.execute(store.db)).rows.map((r) => r.name);
  if (store.dialect === 'sqlite') {
    const tmp = `${target}.partial`;
    rmSync(tmp, { force: true });
    await sql`VACUUM INTO ${tmp}`.execute(store.db);
    const snap = new Database(tmp);
    try {
      const tables: Record<string, number> = {};
      for (const { name } of snap.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]) {
        tables[name] = (snap.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
      }
      const manifest: BackupManifest = { format: BACKUP_FORMAT, created_at: now, dialect: 'sqlite', migrations, tables, config: maskedConfig };
      snap.exec('CREATE TABLE mts_backup_manifest (body TEXT NOT NULL)');
      snap.prepare('INSERT INTO mts_backup_manifest (body) VALUES (?)').run(JSON.stringify(manifest));
      snap.close();
      renameSync(tmp, target);
      return manifest;
    } catch (err) {
      if (snap.open) snap.close();
      rmSync(tmp, { force: true });
      throw err;
    }
  }
  // PostgreSQL: counts first, then the dump (a dump is one snapshot; rows committed before it started are in it)
  const tables = await tableCounts(store);
  const { conn, schema } = pgUrlParts(dbUrl);
  const args = ['--format=custom', '--no-owner', `--file=${target}`, ...(schema ? [`--schema=${schema}`] : []), conn];
  try {
    execFileSync('pg_dump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new GiveUpError('E_PG_DUMP', `backup: pg_dump failed: ${String((err as { stderr?: Buffer }).stderr ?? err).split('\n')[0]}`);
  }
  const manifest: BackupManifest = { format: BACKUP_FORMAT, created_at: now, dialect: 'postgres', migrations, tables, config: maskedConfig };
  writeFileSync(`${target}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads a backup's manifest without restoring it. */
export function readBackupManifest(file: string): BackupManifest {
  if (!existsSync(file)) throw new InputError('E_BACKUP_MISSING', `restore: ${file} does not exist`);
  if (existsSync(`${file}.manifest.json`)) return JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT body FROM mts_backup_manifest').get() as { body: string } | undefined;
    if (!row) throw new Error('no manifest');
    return JSON.parse(row.body);
  } catch (err) {
    throw new InputError('E_BACKUP_FORMAT', `restore: ${file} is not an MTS backup (${(err as Error).message})`);
  } finally {
    db?.close();
  }
}

/**
 * Restores a SQLite backup into `dbFile` (which must not exist yet), verifying integrity and row counts first.
 * Returns the manifest.
 */
export function restoreSqlite(file: string, dbFile: string): BackupManifest {
  const manifest = readBackupManifest(file);
  if (manifest.dialect !== 'sqlite') throw new InputError('E_BACKUP_DIALECT', `restore: ${file} is a ${manifest.dialect} backup; restore it with MTS_DB_URL pointing at an empty PostgreSQL database`);
  if (existsSync(dbFile) && statSync(dbFile).size > 0) throw new InputError('E_RESTORE_NOT_EMPTY', `restore: ${dbFile} already exists; restore into an empty data dir`);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  const tmp = `${dbFile}.restoring`;
  copyFileSync(file, tmp);
  const db = new Database(tmp);
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new GiveUpError('E_RESTORE_CORRUPT', `restore: integrity check failed: ${check}`);
    for (const [table, count] of Object.entries(manifest.tables)) {
      const n = (db.prepare(`SELECT COUNT(*) AS n FROM "${table.replace(/"/g, '')}"`).get() as { n: number }).n;
      if (n !== count) throw new GiveUpError('E_RESTORE_COUNTS', `restore: table ${table} has ${n} rows, the manifest says ${count}`);
    }
    db.exec('DROP TABLE mts_backup_manifest');
    db.pragma('journal_mode = WAL');
    db.close();
    renameSync(tmp, dbFile);
    return manifest;
  } catch (err) {
    if (db.open) db.close();
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Restores a pg_dump backup into an empty PostgreSQL database/schema named by dbUrl, then checks row counts. */
export async function restorePostgres(file: string, dbUrl: string, open: (url: string) => Promise<Store>): Promise<BackupManifest> {
  const manifest = readBackupManifest(file);
  if (manifest.dialect !== 'postgres') throw new InputError('E_BACKUP_DIALECT', `restore: ${file} is a ${manifest.dialect} backup; restore it into a SQLite data dir`);
  const { conn, schema } = pgUrlParts(dbUrl);
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: conn });
  await client.connect();
  try {
    const target = schema ?? 'public';
    const { rows } = await client.query("SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'mts_migrations'", [target]);
    if (rows[0].n > 0) throw new InputError('E_RESTORE_NOT_EMPTY', `restore: schema ${target} already holds MTS tables; restore into an empty database`);
  } finally {
    await client.end();
  }
  try {
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${conn}`, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new GiveUpError('E_PG_RESTORE', `restore: pg_restore failed: ${String((err as { stderr?: Buffer }).stderr ?? err).split('\n')[0]}`);
  }
  const store = await open(dbUrl);
  try {
    const counts = await tableCounts(store);
    for (const [table, count] of Object.entries(manifest.tables)) {
      if (counts[table] !== count) throw new GiveUpError('E_RESTORE_COUNTS', `restore: table ${table} has ${counts[table]} rows, the manifest says ${count}`);
    }
  } finally {
    await store.close();
  }
  return manifest;
}
