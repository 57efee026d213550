/** A last-traded price of an asset from one source, as the price tier stores it. */
export interface PriceQuote {
  /** Unified symbol (`BTC/USDT`); CoinGecko's USD price stands in for USDT. */
  symbol: string;
  ts: number;
  price: number;
  volume24h: number | null;
  change24hPct: number | null;
  source: string;
}
