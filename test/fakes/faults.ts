/** Seeded faults for the fake API servers: each request draws at most one fault from the configured rates. */
export interface FaultRates {
  /** 500/502/503 answers. */
  serverError?: number;
  /** 429 with Retry-After. */
  rateLimited?: number;
  /** 418 (Binance's "banned for a while"), with Retry-After. */
  banned?: number;
  /** No answer at all: the request hangs until the client gives up. */
  timeout?: number;
  /** 200 with a body that is not JSON. */
  malformed?: number;
  /** 200 whose body stops halfway (Content-Length promised more). */
  truncated?: number;
  /** Data answers with one candle left out. */
  missingCandles?: number;
  /** Data answers with one candle sent twice. */
  duplicateCandles?: number;
}

export type FaultKind = keyof FaultRates;
const ORDER: FaultKind[] = ['serverError', 'rateLimited', 'banned', 'timeout', 'malformed', 'truncated', 'missingCandles', 'duplicateCandles'];

export interface FaultSettings extends FaultRates {
  seed?: number;
  /** Retry-After seconds sent with injected 429/418 (decimals allowed, to keep tests fast). */
  retryAfterSeconds?: number;
}

/** mulberry32: small, fast, good enough to make fault sequences repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultPlan {
  private random: () => number;
  constructor(private settings: FaultSettings = {}) {
    this.random = seededRandom(settings.seed ?? 1);
  }

  set(settings: FaultSettings): void {
    this.settings = settings;
    this.random = seededRandom(settings.seed ?? 1);
  }

  get retryAfterSeconds(): number {
    return this.settings.retryAfterSeconds ?? 1;
  }

  /** The fault for this request, if any. `dataRoute` allows the candle faults. */
  draw(dataRoute: boolean): FaultKind | undefined {
    const r = this.random();
    let acc = 0;
    for (const kind of ORDER) {
      if (!dataRoute && (kind === 'missingCandles' || kind === 'duplicateCandles')) continue;
      acc += this.settings[kind] ?? 0;
      if (r < acc) return kind;
    }
    return undefined;
  }

  /** An index in [lo, hi) for a fault that picks a row. */
  pick(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * Math.max(1, hi - lo));
  }
}
