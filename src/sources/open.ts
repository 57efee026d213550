import type { Config } from '../config/schema.js';
import { BinanceSource } from './binance/source.js';
import { CoinGeckoSource } from './coingecko/source.js';
import { FredSource } from './fred/source.js';
import { createSourceClients, type SourceClients, type StackDeps } from './http/stack.js';

/** The three sources on their shared client stack. */
export interface Sources {
  binance: BinanceSource;
  coingecko: CoinGeckoSource;
  fred: FredSource;
  clients: SourceClients;
  /** Flushes call records and stops breaker timers. */
  close(): Promise<void>;
}

export function openSources(config: Config, deps: StackDeps): Sources {
  const clients = createSourceClients(config, deps);
  return {
    binance: new BinanceSource(config, clients.binance),
    coingecko: new CoinGeckoSource(config, clients.coingecko),
    fred: new FredSource(config, clients.fred),
    clients,
    close: () => clients.close(),
  };
}
