export * from './costs.js';
export * from './simulator.js';
export * from './types.js';
