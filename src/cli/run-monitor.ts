/**
 * The monitoring server embedded in `mts run`: the same server as `mts serve`, told about this process's
 * scheduler (its heartbeat) and source breakers, with POST /api/v1/collect and /signals doing the work here.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Pipeline } from '../scheduler/pipeline.js';
import type { SignalStep } from '../scheduler/runner.js';
import { type BreakerState, createServer, SOURCE_NAMES, type SourceFacts, type SourceName, startServer } from '../server/index.js';
import type { StreamHealthFacts, TriggerHandlers } from '../server/providers.js';
import { collectAll, collectionItems } from '../sources/collect.js';
import type { Store } from '../storage/store.js';

export const HEARTBEAT_MS = 60_000;

export interface MonitorOptions {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  pipeline: Pipeline;
  signals: SignalStep;
  /** Strategy pause/resume, config reload and the signal trigger of the live config (see run-server.ts). */
  controls?: TriggerHandlers;
  /** The market stream, when one runs: /health then shows each socket. */
  streams?: () => StreamHealthFacts[];
}

export async function startMonitor(o: MonitorOptions): Promise<{ app: FastifyInstance; address: string }> {
  const { pipeline } = o;
  const app = await createServer({
    config: o.config,
    store: o.store,
    clock: o.clock,
    logger: o.log,
    providers: {
      scheduler: () => ({ lastTick: pipeline.scheduler.lastTick, tickIntervalMs: HEARTBEAT_MS }),
      sources: () => {
        const out: Partial<Record<SourceName, SourceFacts>> = {};
        for (const name of SOURCE_NAMES) out[name] = { breaker: pipeline.sources.clients[name].breaker.state.replace('-', '_') as BreakerState };
        return out;
      },
      ...(o.streams ? { streams: o.streams } : {}),
    },
    triggers: {
      collect: async (req) => {
        const items = collectionItems(o.config, { source: req.source, assets: req.assets });
        return collectAll(items, { config: o.config, store: o.store, sources: pipeline.sources, clock: o.clock, log: o.log });
      },
      signals: async (req) => o.signals(req.at ?? o.clock.now(), new AbortController().signal),
      ...o.controls,
    },
  });
  return { app, address: await startServer(app, o.config) };
}
