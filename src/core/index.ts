export * from './assets.js';
export * from './clock.js';
export * from './errors.js';
export * from './time.js';
export * from './types.js';
export * from "./log.js";
