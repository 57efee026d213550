/**
 * `defineStrategy(def)`: checks a strategy definition once (name, parameter specs, callbacks) and returns the
 * frozen Strategy object every runner accepts. `strategy.resolveParams(overrides)` fills defaults and rejects an
 * unknown parameter, a value of the wrong type or one out of range with an InputError naming strategy and parameter.
 */
import { InputError } from '../core/errors.js';
import { isTimeframe, type Timeframe, TIMEFRAME_NAMES } from '../core/time.js';
import type { ParamSpec, ParamSpecs, ParamsOf, Strategy, StrategyDefinition } from './contract.js';

const NAME_RE = /^[a-z][a-z0-9_]*$/;

function fail(strategy: string, message: string): never {
  throw new InputError('E_STRATEGY', `strategy ${strategy}: ${message}`, { strategy });
}

function checkSpec(strategy: string, key: string, spec: ParamSpec): void {
  if (typeof spec !== 'object' || spec === null || !('default' in spec)) fail(strategy, `parameter "${key}" needs a default`);
  const d = spec.default;
  if (typeof d === 'number') {
    if (!Number.isFinite(d)) fail(strategy, `parameter "${key}": default must be a finite number`);
    if (spec.min !== undefined && d < spec.min) fail(strategy, `parameter "${key}": default ${d} is below min ${spec.min}`);
    if (spec.max !== undefined && d > spec.max) fail(strategy, `parameter "${key}": default ${d} is above max ${spec.max}`);
    if (spec.integer && !Number.isInteger(d)) fail(strategy, `parameter "${key}": default ${d} is not a whole number`);
  } else if (typeof d === 'string') {
    if (spec.options && !spec.options.includes(d)) fail(strategy, `parameter "${key}": default "${d}" is not one of ${spec.options.join(', ')}`);
  } else if (typeof d !== 'boolean') {
    fail(strategy, `parameter "${key}": default must be a number, boolean or string`);
  }
}

/** Converts one override to the spec's type; strings from the command line (`--param k=v`) are read too. */
function coerce(strategy: string, key: string, spec: ParamSpec, value: unknown): number | boolean | string {
  const d = spec.default;
  if (typeof d === 'number') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) fail(strategy, `parameter "${key}" must be a number, got ${JSON.stringify(value)}`);
    if (spec.integer && !Number.isInteger(n)) fail(strategy, `parameter "${key}" must be a whole number, got ${n}`);
    if (spec.min !== undefined && n < spec.min) fail(strategy, `parameter "${key}" = ${n} is below the minimum ${spec.min}`);
    if (spec.max !== undefined && n > spec.max) fail(strategy, `parameter "${key}" = ${n} is above the maximum ${spec.max}`);
    return n;
  }
  if (typeof d === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    fail(strategy, `parameter "${key}" must be true or false, got ${JSON.stringify(value)}`);
  }
  if (typeof value !== 'string') fail(strategy, `parameter "${key}" must be a string, got ${JSON.stringify(value)}`);
  if (spec.options && !spec.options.includes(value)) fail(strategy, `parameter "${key}" = "${value}" is not one of ${spec.options.join(', ')}`);
  return value;
}

export function defineStrategy<S extends ParamSpecs>(def: StrategyDefinition<S>): Strategy<S> {
  if (typeof def !== 'object' || def === null) throw new InputError('E_STRATEGY', 'defineStrategy: expected a definition object');
  const name = def.name;
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new InputError('E_STRATEGY', `defineStrategy: name ${JSON.stringify(name)} must be lower_snake_case (it is the registry and config key)`);
  }
  if (typeof def.onBar !== 'function') fail(name, 'onBar must be a function');
  if (typeof def.warmupBars !== 'function') fail(name, 'warmupBars must be a function of the params');
  if (def.precompute !== undefined && typeof def.precompute !== 'function') fail(name, 'precompute must be a function');
  if (def.when !== undefined && (typeof def.when !== 'string' || def.when === '' || def.precompute === undefined)) {
    fail(name, `when must name one of its precomputed series, got ${JSON.stringify(def.when)}${def.precompute === undefined ? ' (it has no precompute)' : ''}`);
  }
  const timeframe = def.timeframe ?? '1h';
  if (!isTimeframe(timeframe)) fail(name, `unknown timeframe "${timeframe}"; allowed: ${TIMEFRAME_NAMES.join(', ')}`);
  const params = def.params ?? ({} as S);
  for (const [key, spec] of Object.entries(params)) checkSpec(name, key, spec);

  const resolveParams = (overrides: Record<string, unknown> = {}): ParamsOf<S> => {
    const out: Record<string, number | boolean | string> = {};
    for (const key of Object.keys(overrides)) {
      if (!Object.hasOwn(params, key)) {
        const known = Object.keys(params);
        fail(name, `unknown parameter "${key}"; known: ${known.length ? known.join(', ') : '(none)'}`);
      }
    }
    for (const [key, spec] of Object.entries(params)) {
      out[key] = overrides[key] === undefined ? spec.default : coerce(name, key, spec, overrides[key]);
    }
    return Object.freeze(out) as ParamsOf<S>;
  };

  const warm = resolveParams();
  const bars = def.warmupBars(warm, timeframe);
  if (!Number.isInteger(bars) || bars < 0) fail(name, `warmupBars must return a whole number >= 0, got ${bars}`);

  return Object.freeze({
    ...def,
    kind: 'mts.strategy' as const,
    description: def.description ?? '',
    timeframe,
    symbols: Object.freeze([...(def.symbols ?? [])]),
    macro: Object.freeze([...(def.macro ?? [])]),
    params,
    resolveParams,
  });
}

/** The same strategy on another timeframe (its windows in days convert to bars of the new one), e.g. for `--timeframe`. */
export function withTimeframe<S extends ParamSpecs>(strategy: Strategy<S>, timeframe: Timeframe): Strategy<S> {
  if (strategy.timeframe === timeframe) return strategy;
  const { kind: _kind, resolveParams: _resolve, ...definition } = strategy;
  return defineStrategy({ ...definition, timeframe });
}
