/**
 * `mts run --serve`: the monitoring server beside the pipeline, wired to what only the running pipeline has — the
 * signal step (POST /api/v1/signals), strategy pause/resume and config reload (the ConfigHolder).
 */
import type { FastifyInstance } from 'fastify';
import type { ConfigHolder } from '../config/holder.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import { floorToGrid, HOUR_MS } from '../core/time.js';
import type { SignalStep } from '../scheduler/runner.js';
import type { TriggerHandlers } from '../server/providers.js';
import type { Store } from '../storage/store.js';
import { StrategyRegistry } from '../strategies/registry.js';
import type { CommandContext } from './context.js';

export function pipelineTriggers(holder: ConfigHolder, step: SignalStep, clock: Clock, registry = new StrategyRegistry()): TriggerHandlers {
  return {
    // The step works on closed hours and runs the configured strategies.
    signals: async (req) => {
      if (req.strategies?.length) throw new InputError('E_STRATEGIES', 'strategies: mts run generates with the configured strategies; pause the others, or run `mts signals --strategies …`');
      return step(floorToGrid(req.at ?? clock.now(), HOUR_MS), new AbortController().signal);
    },
    strategies: {
      names: () => registry.list().map((e) => e.name),
      pause: (name) => holder.pause(name),
      resume: (name) => holder.resume(name),
      paused: () => holder.paused,
    },
    reloadConfig: async () => holder.reload('api'),
  };
}

/** Builds and starts the server (loaded only with --serve, so a plain `mts run` never pays for it). */
export async function startRunServer(ctx: CommandContext, store: Store, holder: ConfigHolder, step: SignalStep): Promise<FastifyInstance> {
  const { createServer, startServer } = await import('../server/server.js');
  const app = await createServer({ config: ctx.config, store, clock: ctx.clock, logger: ctx.log, triggers: pipelineTriggers(holder, step, ctx.clock) });
  ctx.log.info({ address: await startServer(app, ctx.config) }, 'monitoring server listening');
  return app;
}
