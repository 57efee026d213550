export type { ServerContext } from './context.js';
export { type ComponentHealth, type ComponentStatus, HealthChecker, type HealthReport } from './health.js';
export { serverMetrics } from './metrics.js';
export * from './providers.js';
export { createServer, type ServerOptions, startServer } from './server.js';
