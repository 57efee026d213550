import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { isAlertName } from '../paper/consumer.js';
import type { AlertItem } from '../paper/engine.js';
import { intentFromAlert } from '../paper/intent.js';
import { replayAlerts } from '../paper/replay.js';
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
 * sample market (src/paper/replay.ts): each hour's open marks the book, the alerts of that moment are applied
 * (risk, fills, exactly once), then the hour's candle is checked for stops and targets; an equity point each day.
 * The engine reads no price after its clock.
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
  const items: AlertItem[] = [];
  for (const name of readdirSync(o.alertsDir).filter(isAlertName).sort()) {
    const r = await readAlertFile(path.join(o.alertsDir, name));
    if (!r.ok) throw new Error(`demo alert ${name} does not read back: ${r.reason}`);
    const intent = intentFromAlert(r.alert, o.config.assets);
    if (!intent.ok) throw new Error(`demo alert ${name} is not tradable: ${intent.reason}`);
    items.push({ intent: intent.intent, file: name });
  }
  // alerts in the demo are as old as the history they replay; the virtual clock makes them fresh
  // Thousands of alerts: their outcomes are summed up below rather than logged one by one.
  const log = o.log.child({ stage: 'paper' }, { level: 'error' });
  const { outcomes } = await replayAlerts({ store: o.store, config: o.config, log, candles: o.candles, alerts: items, from: o.from, to: o.to - HOUR_MS, stored: true, snapshotEvery: DAY_MS });
  const read = items.length;
  let applied = 0;
  const refusals = new Map<string, number>();
  for (const out of outcomes) {
    if (out.status === 'applied') applied++;
    else {
      const k = reasonKind(out.reason ?? out.status);
      refusals.set(k, (refusals.get(k) ?? 0) + 1);
    }
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
