export * from './gaps.js';
export * from './repos/candles.js';
export * from './repos/macro.js';
export * from './repos/market.js';
export * from './repos/ops.js';
export * from './repos/signals.js';
export * from './schema.js';
export * from './store.js';
