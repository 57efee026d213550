export * from './costs.js';
export * from './simulator.js';
