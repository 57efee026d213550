/**
 * The strategy registry: the six built-ins by their registry name (the key used in config, weights and the
 * aggregate, never a display name) plus user strategies loaded from files, each remembered with its origin.
 */
import { InputError } from '../core/errors.js';
import { BUILTIN_STRATEGIES } from './builtin/index.js';
import type { AnyStrategy } from './contract.js';
import { loadStrategyFile, looksLikeStrategyFile } from './loader.js';

export interface RegisteredStrategy {
  name: string;
  strategy: AnyStrategy;
  /** 'builtin' or the file it was loaded from. */
  origin: string;
}

export class StrategyRegistry {
  private readonly entries = new Map<string, RegisteredStrategy>();

  constructor(builtins: readonly AnyStrategy[] = BUILTIN_STRATEGIES) {
    for (const s of builtins) this.register(s, 'builtin');
  }

  register(strategy: AnyStrategy, origin: string): RegisteredStrategy {
    const existing = this.entries.get(strategy.name);
    if (existing && existing.origin !== origin) {
      throw new InputError('E_STRATEGY_NAME', `strategy ${strategy.name} from ${origin}: the name is already taken by ${existing.origin === 'builtin' ? 'a built-in strategy' : existing.origin}; choose another name`);
    }
    const entry = { name: strategy.name, strategy, origin };
    this.entries.set(strategy.name, entry);
    return entry;
  }

  /** Loads a user strategy file and registers it. */
  async registerFile(file: string, cwd = process.cwd()): Promise<RegisteredStrategy> {
    return this.register(await loadStrategyFile(file, cwd), file);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): RegisteredStrategy {
    const e = this.entries.get(name);
    if (!e) throw new InputError('E_STRATEGY_UNKNOWN', `unknown strategy "${name}"; known: ${[...this.entries.keys()].join(', ')} (or give a .ts/.js file)`);
    return e;
  }

  /** A registered name, or a file to load and register. */
  async resolve(nameOrFile: string, cwd = process.cwd()): Promise<RegisteredStrategy> {
    if (this.entries.has(nameOrFile) || !looksLikeStrategyFile(nameOrFile)) return this.get(nameOrFile);
    return this.registerFile(nameOrFile, cwd);
  }

  /**
   * Resolves several names or files; one that fails to load is reported (its error names the file) and the
   * rest are still returned, so one broken user file does not stop the others.
   */
  async resolveMany(items: readonly string[], cwd = process.cwd()): Promise<{ entries: RegisteredStrategy[]; failures: { item: string; error: string }[] }> {
    const entries: RegisteredStrategy[] = [];
    const failures: { item: string; error: string }[] = [];
    for (const item of items) {
      try {
        const e = await this.resolve(item, cwd);
        if (!entries.includes(e)) entries.push(e);
      } catch (err) {
        failures.push({ item, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { entries, failures };
  }

  list(): RegisteredStrategy[] {
    return [...this.entries.values()];
  }
}
