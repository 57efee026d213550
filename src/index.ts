/**
 * The package entry (`import … from 'mts'`): what user strategy files and embedding programs use.
 */
export type {
  AnyStrategy,
  BarContext,
  BarView,
  MacroView,
  ParamSpec,
  ParamSpecs,
  ParamsOf,
  ParamValue,
  PrecomputeContext,
  SignalIntent,
  Strategy,
  StrategyDefinition,
} from './strategies/contract.js';
export { barsIn, isStrategy } from './strategies/contract.js';
export { defineStrategy } from './strategies/define.js';
export type { CandleColumns, MacroObservation, PositionSide, Signal, SignalSide, SignalStrength } from './core/types.js';
export type { Timeframe } from './core/time.js';
export * as indicators from './indicators/index.js';
