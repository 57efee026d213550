import type { Config } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { DashboardRepo } from '../storage/repos/dashboard.js';
import type { Store } from '../storage/store.js';
import type { HealthProvider, PriceLookup, TriggerHandlers } from './providers.js';

/** What every route plugin of the server gets. */
export interface ServerContext {
  config: Config;
  store: Store;
  repo: DashboardRepo;
  clock: Clock;
  providers: HealthProvider;
  triggers: TriggerHandlers;
  /** Every secret value of the config, for scrubbing text that comes from storage or errors. */
  secrets: string[];
  /** Latest prices cached in Redis (scale-out); newer than storage's latest candle when workers just collected. */
  prices?: PriceLookup;
}
