export * from './load.js';
export * from './mask.js';
export * from './schema.js';
