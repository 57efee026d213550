import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { VirtualClock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { isAlertName } from '../paper/consumer.js';
import { PaperEngine } from '../paper/engine.js';
import { intentFromAlert, type PaperIntent } from '../paper/intent.js';
import { paperReport, type PaperReport } from '../paper/report.js';
import { readAlertFile } from '../signals/alerts/reader.js';
import type { Store } from '../storage/store.js';

export interface PaperStageResult {
  alerts_read: number;
  applied: number;
  refused: number;
  cash: number;
  equity: number;
  trades: number;
  open_positions: number;
  total_return: number;
  max_drawdown: number;
  refusal_reasons: { reason: string; count: number }[];
}

/** Groups a refusal reason by its kind (numbers and symbols removed), for a readable summary. */
function reasonKind(reason: string): string {
  return reason
    .replace(/[A-Z0-9]+\/USDT/g, '<symbol>')
    .replace(/-?\d+(\.\d+)?%?/g, '#')
    .slice(0, 120);
}

/**
 * The demo's alert files replayed through the paper engine on a virtual clock, hour by hour over the stored
 * sample market: each hour's open marks the book, the alerts of that moment are applied (risk, fills, exactly
 * once), then the hour's candle is checked for stops and targets. The engine reads no price after its clock.
 */
export async function runPaperStage(o: {
  store: Store;
  config: Config;
  log: Logger;
  alertsDir: string;
  candles: ReadonlyMap<string, CandleColumns>;
  from: number;
  to: number;
}): Promise<{ result: PaperStageResult; report: PaperReport }> {
  await o.store.paper.reset();
  const byTime = new Map<number, { intent: PaperIntent; file: string }[]>();
  let read = 0;
  for (const name of readdirSync(o.alertsDir).filter(isAlertName).sort()) {
    const file = path.join(o.alertsDir, name);
    const r = await readAlertFile(file);
    if (!r.ok) throw new Error(`demo alert ${name} does not read back: ${r.reason}`);
    read++;
    const intent = intentFromAlert(r.alert, o.config.assets);
    if (!intent.ok) throw new Error(`demo alert ${name} is not tradable: ${intent.reason}`);
    const list = byTime.get(r.alert.timestamp) ?? [];
    list.push({ intent: intent.intent, file: name });
    byTime.set(r.alert.timestamp, list);
  }
  // alerts in the demo are as old as the history they replay; the virtual clock makes them fresh
  const clock = new VirtualClock(o.from);
  // the sample market was stored before the replay and only onCandle moves on through it
  const engine = await PaperEngine.open({ store: o.store, config: o.config, clock, log: o.log, replay: true });
  const symbols = [...o.candles.keys()];
  const index = new Map(symbols.map((s) => [s, 0]));
  let applied = 0;
  const refusals = new Map<string, number>();
  for (let t = o.from; t < o.to; t += HOUR_MS) {
    clock.set(t);
    for (const s of symbols) {
      const c = o.candles.get(s) as CandleColumns;
      let i = index.get(s) as number;
      while (i < c.length && c.ts[i] < t) i++;
      index.set(s, i);
      if (i < c.length && c.ts[i] === t) await engine.openBar(s, c.open[i], t);
    }
    for (const { intent, file } of byTime.get(t) ?? []) {
      const out = await engine.applyAlert(intent, file);
      if (out.status === 'applied') applied++;
      else {
        const k = reasonKind(out.reason ?? out.status);
        refusals.set(k, (refusals.get(k) ?? 0) + 1);
      }
    }
    clock.set(t + HOUR_MS);
    for (const s of symbols) {
      const c = o.candles.get(s) as CandleColumns;
      const i = index.get(s) as number;
      if (i < c.length && c.ts[i] === t) {
        await engine.onCandle(s, { ts: t, open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] });
      }
    }
    if ((t + HOUR_MS) % DAY_MS === 0) await engine.snapshotEquity(t + HOUR_MS);
  }
  const report = await paperReport(o.store, o.config, o.to);
  const s = report.status;
  return {
    result: {
      alerts_read: read,
      applied,
      refused: read - applied,
      cash: s.cash,
      equity: s.equity,
      trades: s.trades,
      open_positions: s.positions.length,
      total_return: s.metrics.total_return,
      max_drawdown: s.metrics.max_drawdown,
      refusal_reasons: [...refusals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([reason, count]) => ({ reason, count })),
    },
    report,
  };
}
