import type { Config } from '../config/schema.js';
import type { RangeDeps } from '../sources/candle-range.js';
import { openSources } from '../sources/open.js';
import type { CommandContext } from './context.js';

/** The store and the three sources for an ingestion command, closed (call records flushed) when it ends. */
export async function ingestDeps(ctx: CommandContext, config: Config = ctx.config): Promise<RangeDeps> {
  const store = await ctx.store();
  const sources = openSources(config, { clock: ctx.clock, log: ctx.log, calls: store.ops });
  ctx.onClose(() => sources.close());
  return { config, store, sources, clock: ctx.clock, log: ctx.log };
}
