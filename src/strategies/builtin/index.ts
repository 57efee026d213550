/** The six built-in strategies of SPEC §7, by registry name. */
import type { AnyStrategy } from '../contract.js';
import { meanReversion } from './mean_reversion.js';
import { multiBucket } from './multi_bucket.js';
import { ripple } from './ripple.js';
import { smaCross } from './sma_cross.js';
import { volatility } from './volatility.js';
import { vixCorrelation } from './vix_correlation.js';

export const BUILTIN_STRATEGIES: readonly AnyStrategy[] = Object.freeze([vixCorrelation, meanReversion, volatility, multiBucket, ripple, smaCross]);

export { meanReversion, multiBucket, ripple, smaCross, volatility, vixCorrelation };
