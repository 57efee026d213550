/**
 * The server routes only the running pipeline can serve — the signal step (POST /api/v1/signals), strategy
 * pause/resume and config reload (the ConfigHolder) — handed to the monitoring server `mts run` embeds.
 */
import type { ConfigHolder } from '../config/holder.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import { floorToGrid, HOUR_MS } from '../core/time.js';
import type { SignalStep } from '../scheduler/runner.js';
import type { TriggerHandlers } from '../server/providers.js';
import { StrategyRegistry } from '../strategies/registry.js';

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
