import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/schema.js';
import { openSources } from '../sources/open.js';
import type { CommandContext } from './context.js';
import { action } from './run.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const MIN_FREE_BYTES = 100 * 1024 ** 2;
const MAX_SKEW_MS = 10_000;

async function check(name: string, fn: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (err) {
    return { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Doctor asks each source once, quickly: two attempts and at most 5 s each. */
function quickConfig(config: Config): Config {
  const s = config.sources;
  return { ...config, sources: { ...s, timeoutMs: Math.min(s.timeoutMs, 5000), retry: { ...s.retry, maxAttempts: Math.min(2, s.retry.maxAttempts) } } };
}

async function runChecks(ctx: CommandContext): Promise<Check[]> {
  const c = ctx.config;
  const checks: Check[] = [{ name: 'config', ok: true, detail: `valid (data dir ${c.dataDir})` }];
  const store = await check('storage', async () => {
    const s = await ctx.store();
    await s.ping();
    return `writable (${s.description})`;
  });
  checks.push(store);
  checks.push(
    await check('disk', async () => {
      let dir = c.dataDir;
      while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
      const st = statfsSync(dir);
      const free = st.bavail * st.bsize;
      if (free < MIN_FREE_BYTES) throw new Error(`only ${(free / 1024 ** 2).toFixed(0)} MB free under ${dir}`);
      return `${(free / 1024 ** 3).toFixed(1)} GB free under ${dir}`;
    }),
  );
  const sources = openSources(quickConfig(c), { clock: ctx.clock, log: ctx.log });
  try {
    checks.push(
      await check('clock', async () => {
        const now = ctx.clock.now();
        const year = new Date(now).getUTCFullYear();
        if (year < 2020 || year > 2100) throw new Error(`the system clock says ${new Date(now).toISOString()}`);
        const server = await sources.binance.serverTime().catch(() => undefined);
        if (server === undefined) return `${new Date(now).toISOString()} (Binance time unavailable to compare)`;
        const skew = now - server;
        if (Math.abs(skew) > MAX_SKEW_MS) throw new Error(`${skew} ms off Binance's clock`);
        return `${skew} ms off Binance's clock`;
      }),
    );
    checks.push(
      await check('binance', async () => {
        await sources.binance.ping();
        return `reachable at ${c.sources.binance.baseUrl}`;
      }),
    );
    checks.push(
      await check('coingecko', async () => {
        await sources.coingecko.ping();
        return `reachable at ${c.sources.coingecko.baseUrl}${c.sources.coingecko.apiKey ? ` (${c.sources.coingecko.plan} key)` : ''}`;
      }),
    );
    checks.push(
      await check('fred', async () => {
        if (!sources.fred.hasKey) return 'skipped: no MTS_FRED_API_KEY (the macro tier will be skipped)';
        await sources.fred.ping();
        return `reachable at ${c.sources.fred.baseUrl}`;
      }),
    );
  } finally {
    await sources.close();
  }
  return checks;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check config, storage, disk, clock and each source; one line each, exit 1 if any fails')
    .action(
      action(async (ctx) => {
        const checks = await runChecks(ctx);
        if (ctx.json) ctx.out(JSON.stringify(checks, null, 2));
        else for (const k of checks) ctx.out(`${k.ok ? 'ok  ' : 'FAIL'} ${k.name.padEnd(10)} ${k.detail}`);
        if (checks.some((k) => !k.ok)) ctx.exit(1);
      }),
    );
}
