/**
 * `mts demo`: the whole pipeline offline on the seeded sample market. Each stage adds its part of the result
 * document (<data-dir>/reports/demo.json) and of the terminal summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../storage/store.js';
import { type MarketStageResult, runMarketStage } from './market-stage.js';

export interface DemoOptions {
  seed: number;
  /** Called as each stage starts, for progress output. */
  progress?: (stage: string, detail?: string) => void;
}

export interface DemoResult {
  schema: 'mts.demo/v1';
  synthetic: true;
  seed: number;
  stages: { market: MarketStageResult };
  files: { json: string };
}

export async function runDemo(config: Config, store: Store, log: Logger, opts: DemoOptions): Promise<DemoResult> {
  const progress = opts.progress ?? (() => {});
  const reportsDir = path.join(config.dataDir, 'reports');
  mkdirSync(reportsDir, { recursive: true });

  progress('market', 'building the seeded sample market (synthetic)');
  const { result: market } = await runMarketStage(store, opts.seed);
  log.debug({ candles: market.candles.length, macro: market.macro.length }, 'sample market stored');

  const json = path.join(reportsDir, 'demo.json');
  const result: DemoResult = { schema: 'mts.demo/v1', synthetic: true, seed: opts.seed, stages: { market }, files: { json } };
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** The terminal summary of a demo run. */
export function formatDemoSummary(r: DemoResult): string {
  const lines: string[] = [];
  const m = r.stages.market;
  lines.push(`MTS demo — ${m.label}, seed ${r.seed}, ${m.from.slice(0, 10)} .. ${m.to.slice(0, 10)}`);
  lines.push('');
  lines.push('symbol      candles   first close    last close');
  for (const c of m.candles) lines.push(`${c.symbol.padEnd(10)} ${String(c.count).padStart(8)} ${String(c.first_close).padStart(13)} ${String(c.last_close).padStart(13)}`);
  lines.push('');
  lines.push(`macro series (daily, business days): ${m.macro.map((s) => `${s.series} ${s.count}`).join(', ')}`);
  lines.push('');
  lines.push(`result: ${r.files.json}`);
  return lines.join('\n');
}
