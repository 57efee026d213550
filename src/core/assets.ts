import { InputError } from './errors.js';

export const SECTORS = ['L1', 'exchange', 'payments', 'meme', 'defi'] as const;
export type Sector = (typeof SECTORS)[number] | (string & {});

export interface AssetInfo {
  /** Base currency ticker, e.g. `BTC`. */
  readonly base: string;
  /** Unified symbol `BASE/QUOTE`. */
  readonly symbol: string;
  /** CoinGecko coin id, e.g. `bitcoin`. */
  readonly coingeckoId: string;
  readonly name: string;
  readonly sector: Sector;
}

/** The ten default assets of the original system, quoted in USDT on Binance. */
export const DEFAULT_ASSETS: readonly AssetInfo[] = Object.freeze([
  { base: 'BTC', symbol: 'BTC/USDT', coingeckoId: 'bitcoin', name: 'Bitcoin', sector: 'L1' },
  { base: 'ETH', symbol: 'ETH/USDT', coingeckoId: 'ethereum', name: 'Ethereum', sector: 'L1' },
  { base: 'BNB', symbol: 'BNB/USDT', coingeckoId: 'binancecoin', name: 'BNB', sector: 'exchange' },
  { base: 'SOL', symbol: 'SOL/USDT', coingeckoId: 'solana', name: 'Solana', sector: 'L1' },
  { base: 'XRP', symbol: 'XRP/USDT', coingeckoId: 'ripple', name: 'XRP', sector: 'payments' },
  { base: 'DOGE', symbol: 'DOGE/USDT', coingeckoId: 'dogecoin', name: 'Dogecoin', sector: 'meme' },
  { base: 'ADA', symbol: 'ADA/USDT', coingeckoId: 'cardano', name: 'Cardano', sector: 'L1' },
  { base: 'AVAX', symbol: 'AVAX/USDT', coingeckoId: 'avalanche-2', name: 'Avalanche', sector: 'L1' },
  { base: 'DOT', symbol: 'DOT/USDT', coingeckoId: 'polkadot', name: 'Polkadot', sector: 'L1' },
  { base: 'LINK', symbol: 'LINK/USDT', coingeckoId: 'chainlink', name: 'Chainlink', sector: 'defi' },
].map((a) => Object.freeze(a)));

export const DEFAULT_QUOTE = 'USDT';

const byBase = new Map(DEFAULT_ASSETS.map((a) => [a.base, a]));
const byCoingecko = new Map(DEFAULT_ASSETS.map((a) => [a.coingeckoId, a]));

/**
 * Unifies the ways people write a market: `BTC/USDT`, `btc/usdt`, `BTCUSDT`, `BTC-USDT`, `BTC_USDT`, `BTC`
 * (quote defaults to USDT), or a CoinGecko id of a known asset (`bitcoin`).
 */
export function normalizeSymbol(input: string): string {
  const s = input.trim();
  if (s === '') throw new InputError('E_SYMBOL', 'symbol: empty');
  const known = byCoingecko.get(s.toLowerCase());
  if (known) return known.symbol;
  const up = s.toUpperCase();
  const parts = up.split(/[/\-_:]/).filter(Boolean);
  if (parts.length === 2 && /^[A-Z0-9]+$/.test(parts[0]) && /^[A-Z0-9]+$/.test(parts[1])) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && /^[A-Z0-9]+$/.test(up)) {
    for (const quote of ['USDT', 'USDC', 'BUSD', 'USD', 'BTC', 'ETH']) {
      if (up.length > quote.length && up.endsWith(quote)) return `${up.slice(0, -quote.length)}/${quote}`;
    }
    return `${up}/${DEFAULT_QUOTE}`;
  }
  throw new InputError('E_SYMBOL', `symbol: cannot read "${input}"; write it as BASE/QUOTE, e.g. BTC/USDT`);
}

export function baseOf(symbol: string): string {
  return normalizeSymbol(symbol).split('/')[0];
}

/** Binance's market id for a unified symbol: `BTC/USDT` → `BTCUSDT`. */
export function exchangeId(symbol: string): string {
  return normalizeSymbol(symbol).replace('/', '');
}

export function assetInfo(symbolOrBase: string): AssetInfo | undefined {
  return byBase.get(baseOf(symbolOrBase));
}

export function coingeckoIdOf(symbolOrBase: string): string | undefined {
  return assetInfo(symbolOrBase)?.coingeckoId;
}

export function assetByCoingeckoId(id: string): AssetInfo | undefined {
  return byCoingecko.get(id.toLowerCase());
}
