/**
 * Loads user strategies from `.ts`/`.js` files whose default export is made with `defineStrategy` (the CLI runs
 * under tsx, so a `.ts` file imports directly). Every failure names the file: a syntax error, a missing or wrong
 * default export, or a definition defineStrategy rejects.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, MtsError } from '../core/errors.js';
import { type AnyStrategy, isStrategy } from './contract.js';

export const STRATEGY_FILE_RE = /\.(ts|mts|js|mjs)$/;

/** True when a `--strategy`/`--strategies` value names a file rather than a registered strategy. */
export function looksLikeStrategyFile(value: string): boolean {
  return STRATEGY_FILE_RE.test(value) || value.includes('/') || value.includes(path.sep);
}

function describe(x: unknown): string {
  if (x === undefined) return 'no default export';
  if (x === null) return 'null';
  if (typeof x === 'function') return 'a function';
  if (typeof x === 'object') return `an object with keys ${Object.keys(x as object).slice(0, 6).join(', ') || '(none)'}`;
  return `a ${typeof x}`;
}

export async function loadStrategyFile(file: string, cwd = process.cwd()): Promise<AnyStrategy> {
  const abs = path.resolve(cwd, file);
  if (!existsSync(abs)) throw new InputError('E_STRATEGY_FILE', `strategy file ${file}: not found`, { file });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(`${pathToFileURL(abs).href}?mts-strategy`)) as Record<string, unknown>;
  } catch (err) {
    const msg = err instanceof MtsError ? `[${err.code}] ${err.message}` : err instanceof Error ? err.message : String(err);
    throw new InputError('E_STRATEGY_FILE', `strategy file ${file}: cannot load it: ${msg.split('\n').slice(0, 6).join('\n')}`, { file });
  }
  let exported = mod.default;
  // a CommonJS .js file compiled from TypeScript puts the default export one level down
  if (!isStrategy(exported) && exported && typeof exported === 'object' && isStrategy((exported as { default?: unknown }).default)) {
    exported = (exported as { default: unknown }).default;
  }
  if (!isStrategy(exported)) {
    throw new InputError(
      'E_STRATEGY_FILE',
      `strategy file ${file}: the default export must be a strategy made with defineStrategy(...) (import { defineStrategy } from 'mts'), got ${describe(exported)}`,
      { file },
    );
  }
  return exported;
}
