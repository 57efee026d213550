import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { maskConfig } from '../config/mask.js';
import { InputError } from '../core/errors.js';
import { isoTime, parseTime } from '../core/time.js';
import { createApiKey, parseRole } from '../security/keys.js';
import { backupStore, restorePostgres, restoreSqlite } from '../storage/backup.js';
import { openStore } from '../storage/store.js';
import type { CommandContext } from './context.js';
import { action } from './run.js';

const cliActor = () => `cli:${os.userInfo().username}`;

async function audit(ctx: CommandContext, actionName: string, result: string, detail?: string): Promise<void> {
  const store = await ctx.store();
  await store.security.audit({ ts: ctx.clock.now(), actor: cliActor(), action: actionName, origin: 'cli', result, detail });
}

export function registerSecurity(program: Command): void {
  const keys = program.command('keys').description('API keys for the server (shown once, stored as salted hashes)');
  keys
    .command('create')
    .description('create a key; prints it once')
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .requiredOption('--name <name>', 'what the key is for, e.g. ci')
    .action(
      action(async (ctx, opts: { role: string; name: string }) => {
        const role = parseRole(opts.role);
        const store = await ctx.store();
        const k = await createApiKey(store, { name: opts.name, role }, ctx.clock.now());
        await audit(ctx, 'keys create', 'ok', `key ${k.id} (${k.name}) role ${k.role}`);
        ctx.out(ctx.json ? JSON.stringify(k) : `created key ${k.id} "${k.name}" with role ${k.role}. Copy it now; it is not shown again:\n${k.key}`);
      }),
    );
  keys
    .command('list')
    .description('list keys (never the secrets)')
    .action(
      action(async (ctx) => {
        const store = await ctx.store();
        const list = (await store.security.listKeys()).map((k) => ({ id: k.id, name: k.name, role: k.role, created_at: k.createdAt, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt }));
        if (ctx.json) return ctx.out(JSON.stringify(list));
        if (list.length === 0) return ctx.out('no API keys; create one with: mts keys create --role viewer --name dashboard');
        for (const k of list) {
          ctx.out(
            `${k.id}  ${k.role.padEnd(8)} ${k.name.padEnd(20)} created ${isoTime(k.created_at)}${k.last_used_at ? `  last used ${isoTime(k.last_used_at)}` : ''}${k.revoked_at ? `  REVOKED ${isoTime(k.revoked_at)}` : ''}`,
          );
        }
      }),
    );
  keys
    .command('revoke <id>')
    .description('revoke a key; it stops working at once')
    .action(
      action(async (ctx, id: string) => {
        const store = await ctx.store();
        const done = await store.security.revokeKey(id, ctx.clock.now());
        await audit(ctx, 'keys revoke', done ? 'ok' : 'error', `key ${id}`);
        if (!done) throw new InputError('E_KEY_UNKNOWN', `keys revoke: no active key with id ${id} (see mts keys list)`);
        ctx.out(`revoked key ${id}`);
      }),
    );

  program
    .command('audit')
    .description('the audit log: mutating actions and failed authentications')
    .option('--since <time>', 'only entries at or after this time (ISO or epoch ms)')
    .option('--limit <n>', 'at most this many entries', '100')
    .action(
      action(async (ctx, opts: { since?: string; limit: string }) => {
        const store = await ctx.store();
        const page = await store.security.listAudit({ since: opts.since ? parseTime(opts.since, '--since') : undefined, limit: Number(opts.limit) });
        if (ctx.json) return ctx.out(JSON.stringify(page));
        if (page.items.length === 0) return ctx.out('the audit log is empty');
        for (const e of page.items) ctx.out(`${isoTime(e.ts)}  ${e.result.padEnd(7)} ${e.actor.padEnd(24)} ${e.origin.padEnd(15)} ${e.action}${e.detail ? `  — ${e.detail}` : ''}`);
      }),
    );

  program
    .command('backup <file>')
    .description('consistent backup of data, config (secrets masked) and state; safe while mts run writes')
    .action(
      action(async (ctx, file: string) => {
        const store = await ctx.store();
        const m = await backupStore(store, ctx.config.dbUrl, file, maskConfig(ctx.config), ctx.clock.now());
        await audit(ctx, 'backup', 'ok', path.resolve(file));
        const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
        ctx.out(ctx.json ? JSON.stringify(m) : `backup written to ${path.resolve(file)}: ${Object.keys(m.tables).length} tables, ${rows} rows (${m.dialect})`);
      }),
    );
  program
    .command('restore <file>')
    .description('restore a backup into an empty data dir (SQLite) or an empty PostgreSQL database, verified')
    .action(
      action(async (ctx, file: string) => {
        const url = ctx.config.dbUrl;
        const m = url.startsWith('sqlite:') ? restoreSqlite(path.resolve(file), url.slice('sqlite:'.length)) : await restorePostgres(path.resolve(file), url, (u) => openStore(u, { migrate: false }));
        await audit(ctx, 'restore', 'ok', path.resolve(file));
        const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
        ctx.out(ctx.json ? JSON.stringify(m) : `restored ${rows} rows in ${Object.keys(m.tables).length} tables from ${path.resolve(file)} (backup of ${isoTime(m.created_at)}); integrity and row counts verified`);
      }),
    );
}
