/**
 * Binance request weights of the public endpoints MTS calls (spot and USD-M, as published in 2024), so the limiter
 * charges what Binance will count. Unknown paths count 1.
 */
/** The heaviest call MTS makes to Binance (exchangeInfo; a USD-M depth snapshot of 1000 levels weighs as much). */
export const BINANCE_MAX_WEIGHT = 20;

export function binanceWeight(url: URL): number {
  const p = url.pathname;
  const q = url.searchParams;
  const limit = Number(q.get('limit') ?? 0);
  if (p.endsWith('/api/v3/klines') || p.endsWith('/fapi/v1/klines')) return 2;
  if (p.endsWith('/api/v3/exchangeInfo')) return 20;
  if (p.endsWith('/api/v3/ticker/24hr')) {
    if (q.has('symbol')) return 2;
    const n = q.has('symbols') ? (JSON.parse(q.get('symbols') as string) as unknown[]).length : Number.POSITIVE_INFINITY;
    return n <= 20 ? 2 : n <= 100 ? 40 : 80;
  }
  if (p.endsWith('/api/v3/depth')) return (limit || 100) <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  if (p.endsWith('/fapi/v1/depth')) return (limit || 500) <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
  if (p.endsWith('/fapi/v1/premiumIndex')) return q.has('symbol') ? 1 : 10;
  return 1;
}
