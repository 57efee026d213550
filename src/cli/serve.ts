import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { enableProcessMetrics } from '../core/metrics.js';
import { createServer, startServer } from '../server/server.js';
import type { HealthProvider, PriceLookup } from '../server/providers.js';
import { action } from './run.js';

/** `mts serve`: the monitoring server alone (SPEC §12), until SIGINT or SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the monitoring server alone: /health, /metrics, /api/v1, /docs and the dashboard at /')
    .option('--host <host>', 'listen address (MTS_HTTP_HOST); a non-loopback host needs MTS_API_TOKEN')
    .option('--port <port>', 'listen port (MTS_HTTP_PORT)')
    .action(
      action(async (ctx, opts: { host?: string; port?: string }) => {
        const http = { ...ctx.config.http };
        if (opts.host) http.host = opts.host;
        if (opts.port !== undefined) {
          const port = Number(opts.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw new InputError('E_PORT', `--port: "${opts.port}" is not a port number (0-65535)`);
          }
          http.port = port;
        }
        const config = Object.freeze({ ...ctx.config, http: Object.freeze(http) });
        const store = await ctx.store();
        enableProcessMetrics();
        // With MTS_REDIS_URL, /health reports the shared Redis (degraded while it is away).
        let providers: HealthProvider | undefined;
        let prices: PriceLookup | undefined;
        if (config.redisUrl) {
          const { connectRedis, redisHealth } = await import('../distributed/redis.js');
          const redis = connectRedis(config.redisUrl, 'serve', ctx.log);
          ctx.onClose(() => redis.quit().then(() => undefined, () => redis.disconnect()));
          providers = { redis: () => redisHealth(redis) };
          const { LatestCache } = await import('../storage/cache.js');
          const cache = new LatestCache(redis, config.distributed.prefix, 60_000);
          prices = (symbol) => cache.price(symbol);
        }
        const app = await createServer({ config, store, clock: ctx.clock, logger: ctx.log, providers, prices });
        const address = await startServer(app, config);
        ctx.log.info({ address }, 'monitoring server listening');
        if (!ctx.json) ctx.out(`MTS monitor on ${address} (dashboard /, health /health, metrics /metrics, API docs /docs)`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            ctx.log.info({ signal }, 'shutting down the monitoring server');
            process.off('SIGINT', onInt);
            process.off('SIGTERM', onTerm);
            resolve();
          };
          const onInt = () => stop('SIGINT');
          const onTerm = () => stop('SIGTERM');
          process.on('SIGINT', onInt);
          process.on('SIGTERM', onTerm);
        });
        // Stop accepting connections and let in-flight requests finish before the store closes.
        await app.close();
      }),
    );
}
