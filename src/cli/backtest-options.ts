/** Flags shared by `mts backtest` and `mts optimize`, and turning them into a backtest request on stored data. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { parseTime, parseTimeframe } from '../core/time.js';
import type { BacktestRequest } from '../backtest/run.js';
import { loadBacktestData } from '../backtest/service.js';
import { aggregateReplay } from '../backtest/replay.js';
import { AGGREGATE_STRATEGY } from '../signals/aggregate.js';
import { StrategyRegistry } from '../strategies/registry.js';
import type { CommandContext } from './context.js';

export interface RunFlags {
  strategy: string;
  symbols?: string;
  timeframe: string;
  from?: string;
  to?: string;
  param: string[];
  cash?: string;
  feeBps?: string;
  slippageBps?: string;
  impact?: string;
  size?: string;
  risk: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function addRunOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--strategy <name|file>', 'a strategy name (mts strategies) or a .ts/.js file made with defineStrategy')
    .option('--symbols <list>', 'comma-separated symbols, e.g. BTC/USDT,ETH/USDT (default: the strategy universe, else config assets)')
    .option('--timeframe <tf>', 'candles the orders fill on (the strategy resamples them to its own timeframe)', '1h')
    .option('--from <time>', 'first bar traded (ISO date/time or epoch ms; default: the first stored)')
    .option('--to <time>', 'last bar traded (default: the latest stored)')
    .option('--param <k=v>', 'strategy parameter, repeatable', collect, [])
    .option('--cash <amount>', 'starting cash (default config backtest.cash)')
    .option('--fee-bps <bps>', 'taker fee per fill in basis points (default config backtest.feeBps)')
    .option('--slippage-bps <bps>', 'slippage per fill in basis points (default config backtest.slippageBps)')
    .option('--impact <k>', 'square-root volume impact coefficient (default config backtest.impact)')
    .option('--size <fraction>', 'replace every signal size with this fraction of equity')
    .option('--no-risk', 'skip the risk orchestrator (no limits, no sizing beyond the signal size)');
}

function num(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InputError('E_FLAG', `${flag}: "${v}" is not a number`);
  return n;
}

export function parseParams(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new InputError('E_FLAG', `--param "${kv}": use key=value, e.g. --param fast=10`);
    out[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
  }
  return out;
}

/** Cash, costs, size override and risk from the flags, defaulting to the config's backtest section. */
function costsFromFlags(ctx: CommandContext, f: RunFlags): Pick<BacktestRequest, 'cash' | 'feeBps' | 'slippageBps' | 'impact' | 'sizeOverride' | 'risk'> {
  const cfg = ctx.config.backtest;
  return {
    cash: num('--cash', f.cash, cfg.cash),
    feeBps: num('--fee-bps', f.feeBps, cfg.feeBps),
    slippageBps: num('--slippage-bps', f.slippageBps, cfg.slippageBps),
    impact: num('--impact', f.impact, cfg.impact),
    sizeOverride: f.size === undefined ? null : num('--size', f.size, 1),
    risk: f.risk ? ctx.config.risk : null,
  };
}

/** Resolves the strategy, loads the data from the store and builds the request the flags describe. */
export async function requestFromFlags(ctx: CommandContext, f: RunFlags): Promise<BacktestRequest> {
  const registry = new StrategyRegistry();
  if (f.strategy === AGGREGATE_STRATEGY) return aggregateRequest(ctx, f, registry);
  const entry = await registry.resolve(f.strategy);
  const origin = entry.origin;
  const sourceHash = origin === 'builtin' ? undefined : createHash('sha256').update(readFileSync(path.resolve(origin))).digest('hex');
  const baseTimeframe = parseTimeframe(f.timeframe, '--timeframe');
  const from = f.from === undefined ? undefined : parseTime(f.from, '--from');
  const to = f.to === undefined ? undefined : parseTime(f.to, '--to');
  const params = { ...(ctx.config.strategies[entry.name]?.params ?? {}), ...parseParams(f.param) };
  const strategy = entry.strategy;
  strategy.resolveParams(params); // a bad --param fails here, before any data is read
  const store = await ctx.store();
  let symbols: string[];
  if (f.symbols) symbols = f.symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  else if (strategy.symbols.length) symbols = [...strategy.symbols];
  else {
    const stored = new Set((await store.candles.keys()).map((k) => k.symbol));
    symbols = ctx.config.assets.filter((s) => stored.has(s));
    if (symbols.length === 0) throw new InputError('E_BACKTEST_NO_DATA', 'no candles stored for any configured asset; run mts import or mts backfill first, or give --symbols');
  }
  for (const s of symbols) if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s)) throw new InputError('E_FLAG', `--symbols: "${s}" is not BASE/QUOTE (e.g. BTC/USDT)`);
  const { base, macro } = await loadBacktestData(store, { strategy, params, symbols, baseTimeframe, from, to, now: ctx.clock.now() });
  return {
    strategy,
    origin,
    sourceHash,
    params,
    symbols,
    base,
    baseTimeframe,
    macro,
    from,
    to,
    ...costsFromFlags(ctx, f),
  };
}

/**
 * `--strategy aggregate`: every enabled strategy run on stored data over the period, aggregated moment by moment
 * (SPEC §7) and replayed as one strategy, so the aggregate is backtested with the same fills and risk as any other.
 */
async function aggregateRequest(ctx: CommandContext, f: RunFlags, registry: StrategyRegistry): Promise<BacktestRequest> {
  if (f.param.length) throw new InputError('E_FLAG', '--param: the aggregate has no parameters of its own; set each strategy\'s params and weight in the config');
  const store = await ctx.store();
  const stored = await store.candles.series();
  const candidates = f.symbols ? f.symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : ctx.config.assets;
  const symbols = candidates.filter((s) => stored.some((x) => x.symbol === s));
  if (symbols.length === 0) throw new InputError('E_BACKTEST_NO_DATA', 'no candles stored for the aggregate\'s symbols; run mts import, mts backfill or mts demo first');
  const first = Math.min(...stored.filter((x) => symbols.includes(x.symbol)).map((x) => x.first));
  const last = Math.max(...stored.filter((x) => symbols.includes(x.symbol)).map((x) => x.last));
  const from = f.from === undefined ? first + 120 * 86_400_000 : parseTime(f.from, '--from');
  const to = f.to === undefined ? last : parseTime(f.to, '--to');
  const replay = await aggregateReplay({ store, config: ctx.config, registry, from, to: to + 3_600_000, symbols, log: ctx.log });
  for (const failure of replay.failures) ctx.log.warn(failure, 'a strategy failed; the aggregate goes on without it');
  const strategy = replay.strategy;
  const traded = symbols.filter((s) => strategy.symbols.includes(s));
  if (traded.length === 0) throw new InputError('E_BACKTEST_EMPTY', 'the aggregate made no signal in that period; widen --from/--to');
  const baseTimeframe = parseTimeframe(f.timeframe, '--timeframe');
  const { base, macro } = await loadBacktestData(store, { strategy, symbols: traded, baseTimeframe, from, to, now: ctx.clock.now() });
  return {
    strategy,
    origin: 'builtin',
    sourceHash: createHash('sha256').update(JSON.stringify(replay.aggregated)).digest('hex'),
    params: {},
    symbols: traded,
    base,
    baseTimeframe,
    macro,
    from,
    to,
    ...costsFromFlags(ctx, f),
  };
}
