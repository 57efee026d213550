import type ccxtModule from 'ccxt';
import type { Config } from '../../config/schema.js';
import type { SourceClient } from '../http/client.js';
import { binanceWeight } from './weights.js';

export type BinanceExchange = InstanceType<typeof ccxtModule.binance>;

/**
 * A ccxt binance whose HTTP goes through our client stack: our limiter, retries, breaker and accounting replace
 * ccxt's (`enableRateLimit: false`, `fetch` overridden), and its base URLs come from config. Only spot markets are
 * loaded; futures endpoints are called through ccxt's implicit methods, which need no market list. ccxt is
 * imported on first use: it is large, and commands that never call Binance should not wait for it.
 */
export async function createBinanceExchange(config: Config, client: SourceClient): Promise<BinanceExchange> {
  const ccxt = (await import('ccxt')).default;
  const ex = new ccxt.binance({ enableRateLimit: false, options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false } });
  routeRest(ex, config, client);
  return ex;
}

/**
 * Points a ccxt binance (REST, or the ccxt.pro one the stream uses) at the configured base URLs and sends its HTTP
 * through our client stack.
 */
export function routeRest(ex: { urls: unknown; fetch: unknown }, config: Config, client: SourceClient): void {
  const spot = `${config.sources.binance.baseUrl.replace(/\/+$/, '')}/api/v3`;
  const futures = `${config.sources.binance.futuresBaseUrl.replace(/\/+$/, '')}/fapi/v1`;
  const api = (ex.urls as { api: Record<string, string> }).api;
  api.public = spot;
  api.private = spot;
  api.fapiPublic = futures;
  api.fapiPrivate = futures;
  ex.fetch = async (url: string) => {
    const u = new URL(url);
    return client.getJson(u, { weight: binanceWeight(u), endpoint: u.pathname });
  };
}
