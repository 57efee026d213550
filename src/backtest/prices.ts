import type { BacktestDocument } from '../analytics/document.js';
import type { CandleColumns } from '../core/types.js';

/** Close prices of the run's symbols over its period, [candle open ts, close], for the report's price charts. */
export function pricesForReport(doc: BacktestDocument, base: ReadonlyMap<string, CandleColumns>): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const symbol of doc.symbols) {
    const c = base.get(symbol);
    if (!c) continue;
    const pts: [number, number][] = [];
    for (let i = 0; i < c.length; i++) if (c.ts[i] >= doc.from && c.ts[i] < doc.to) pts.push([c.ts[i], c.close[i]]);
    out.set(symbol, pts);
  }
  return out;
}
