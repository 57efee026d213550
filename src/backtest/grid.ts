/** Parameter grids for `mts optimize`: parsing, the combinations in a fixed order, and a reproducible ranking. */
import { InputError } from '../core/errors.js';
import type { Metrics } from '../analytics/metrics.js';

export type GridValue = number | boolean | string;
export type Grid = [name: string, values: GridValue[]][];
export type Objective = 'sharpe' | 'calmar' | 'return';
export const OBJECTIVES: readonly Objective[] = ['sharpe', 'calmar', 'return'];
const MAX_COMBINATIONS = 1_000_000;

function decimals(x: string): number {
  const i = x.indexOf('.');
  return i < 0 ? 0 : x.length - i - 1;
}

/**
 * `fast=5:50:5,slow=20:200:10` (start:end:step, both ends included), `k=3` (one value) or `mode=a|b|c` (a list).
 * Names keep the order given; values are read as numbers or booleans when they look like them.
 */
export function parseGrid(text: string): Grid {
  const grid: Grid = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new InputError('E_GRID', `--grid "${part}": use name=start:end:step, name=value or name=a|b|c`);
    const name = part.slice(0, eq).trim();
    const spec = part.slice(eq + 1).trim();
    if (grid.some(([n]) => n === name)) throw new InputError('E_GRID', `--grid: "${name}" is given twice`);
    let values: GridValue[];
    const range = /^(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec);
    if (range) {
      const [start, end, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (!(step > 0)) throw new InputError('E_GRID', `--grid ${name}: the step must be > 0`);
      if (end < start) throw new InputError('E_GRID', `--grid ${name}: the end ${end} is below the start ${start}`);
      // values from integer multiples of the step, rounded to the inputs' precision (no 0.30000000000000004)
      const places = Math.max(decimals(range[1]), decimals(range[2]), decimals(range[3]));
      values = [];
      for (let i = 0; start + i * step <= end + 1e-12 * Math.max(1, Math.abs(end)); i++) values.push(Number((start + i * step).toFixed(places)));
    } else {
      values = spec.split('|').map((v) => {
        const t = v.trim();
        if (t === 'true' || t === 'false') return t === 'true';
        return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
      });
    }
    if (values.length === 0 || values.some((v) => v === '')) throw new InputError('E_GRID', `--grid ${name}: no values in "${spec}"`);
    grid.push([name, values]);
  }
  if (grid.length === 0) throw new InputError('E_GRID', '--grid: give at least one parameter, e.g. fast=5:50:5,slow=20:200:10');
  const n = grid.reduce((a, [, v]) => a * v.length, 1);
  if (n > MAX_COMBINATIONS) throw new InputError('E_GRID', `--grid makes ${n} combinations; at most ${MAX_COMBINATIONS}`);
  return grid;
}

/** Every combination, the last parameter varying fastest. */
export function combinations(grid: Grid): Record<string, GridValue>[] {
  let out: Record<string, GridValue>[] = [{}];
  for (const [name, values] of grid) out = out.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return out;
}

export function objectiveOf(m: Metrics, o: Objective): number | null {
  return o === 'return' ? m.total_return : o === 'calmar' ? m.calmar : m.sharpe;
}

export interface Scored {
  index: number;
  value: number | null;
}

/** Best first; a missing value ranks last; ties keep the grid order (so the ranking never depends on timing). */
export function rank<T extends Scored>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const av = a.value ?? Number.NEGATIVE_INFINITY;
    const bv = b.value ?? Number.NEGATIVE_INFINITY;
    if (av !== bv) return bv - av;
    return a.index - b.index;
  });
}
