/**
 * The one place that defines MTS's configuration (SPEC §2 plus the tier, strategy, risk, backtest and paper
 * defaults). Every field has a default, so an empty file is a valid config. Keys are camelCase in files too.
 */
import { z } from 'zod';
import { DEFAULT_ASSETS } from '../core/assets.js';
import { TIMEFRAME_NAMES } from '../core/time.js';

const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, 'a duration such as 30s, 15m, 1h, 7d')])
  .describe('duration (ms number or 30s/15m/1h/7d)');
const fraction = z.number().min(0).max(1);
const positive = z.number().positive();
const url = z.string().url();
const commaList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z.array(z.string()),
);
const urlList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z.array(url),
);

export const DEFAULT_SYMBOLS = DEFAULT_ASSETS.map((a) => a.symbol);
export const DEFAULT_MACRO_SERIES = ['VIXCLS', 'DFF', 'DGS10', 'DGS2', 'DTWEXBGS', 'DEXUSEU', 'BAMLH0A0HYM2', 'RRPONTSYD', 'SOFR'];
export const BUILTIN_STRATEGY_NAMES = ['vix_correlation', 'mean_reversion', 'volatility', 'multi_bucket', 'ripple', 'sma_cross'] as const;

const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(6),
  baseDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(0).default(30_000),
});

const breakerSchema = z.strictObject({
  /** Share of failed calls in the rolling window that opens the breaker. */
  errorThresholdPercentage: z.number().min(1).max(100).default(50),
  /** Calls in the window before the breaker may open. */
  volumeThreshold: z.number().int().min(1).default(5),
  resetTimeoutMs: z.number().int().min(100).default(30_000),
  rollingCountTimeoutMs: z.number().int().min(1000).default(60_000),
});

const sourcesSchema = z.strictObject({
  timeoutMs: z.number().int().min(100).default(15_000),
  /** Length of the window the published limits are counted over (60 s for all three; shorter in tests). */
  limitWindowMs: z.number().int().min(100).default(60_000),
  /** A close more than this many robust deviations (MAD) from its neighbours is rejected as an outlier. */
  outlierMads: z.number().positive().default(12),
  /** Neighbours on each side the outlier test compares a close with. */
  outlierNeighbours: z.number().int().min(2).max(100).default(12),
  /** Smallest deviation scale of the outlier test as a share of price, so a quiet market's 1% move is not an outlier. */
  outlierFloor: z.number().min(0).max(1).default(0.002),
  /** How many times a backfill asks again for candles missing inside a page before calling it an exchange gap. */
  gapRetries: z.number().int().min(0).max(10).default(2),
  /** Times a backfill page is tried again after its retries are spent or the breaker is open. */
  pageRetries: z.number().int().min(0).max(50).default(5),
  retry: retrySchema.prefault({}),
  breaker: breakerSchema.prefault({}),
  binance: z
    .strictObject({
      baseUrl: url.default('https://api.binance.com'),
      futuresBaseUrl: url.default('https://fapi.binance.com'),
      wsUrl: url.default('wss://stream.binance.com:9443'),
      futuresWsUrl: url.default('wss://fstream.binance.com'),
      /** Published request-weight limit per minute. */
      weightPerMinute: z.number().int().positive().default(6000),
      /** Share of the published limit MTS allows itself. */
      safetyFraction: z.number().gt(0).max(1).default(0.8),
      /** Klines per request (Binance's maximum is 1000). */
      klinesPerPage: z.number().int().min(1).max(1000).default(1000),
    })
    .prefault({}),
  coingecko: z
    .strictObject({
      baseUrl: url.default('https://api.coingecko.com/api/v3'),
      apiKey: z.string().min(1).optional(),
      /** demo: x-cg-demo-api-key on the public host; pro: x-cg-pro-api-key on pro-api.coingecko.com. */
      plan: z.enum(['demo', 'pro']).default('demo'),
      callsPerMinute: z.number().int().positive().default(30),
      safetyFraction: z.number().gt(0).max(1).default(0.8),
      /** Days per market_chart/range request (hourly points up to 90 days). */
      chunkDays: z.number().int().min(1).max(90).default(90),
    })
    .prefault({}),
  fred: z
    .strictObject({
      baseUrl: url.default('https://api.stlouisfed.org/fred'),
      apiKey: z.string().min(1).optional(),
      callsPerMinute: z.number().int().positive().default(120),
      safetyFraction: z.number().gt(0).max(1).default(0.8),
      /** Observations per request (FRED's maximum is 100000). */
      pageSize: z.number().int().min(1).max(100_000).default(100_000),
    })
    .prefault({}),
});

const timeframeName = z.enum(TIMEFRAME_NAMES as [string, ...string[]]);

const tierSchema = z.strictObject({
  interval: duration,
  symbols: z.array(z.string()).default([]),
  source: z.enum(['binance', 'coingecko']).default('binance'),
  timeframe: timeframeName.default('1h'),
  /** Coarser timeframes built locally from this tier's candles after each run (no extra API calls). */
  derive: z.array(timeframeName).default([]),
});

const tiersSchema = z.strictObject({
  highFrequency: tierSchema.prefault({ interval: '15m', symbols: ['BTC/USDT', 'ETH/USDT'], source: 'binance', timeframe: '15m', derive: ['1h'] }),
  hourly: tierSchema.prefault({
    interval: '1h',
    symbols: ['BNB/USDT', 'SOL/USDT', 'XRP/USDT', 'DOGE/USDT', 'ADA/USDT', 'AVAX/USDT', 'DOT/USDT', 'LINK/USDT'],
    source: 'binance',
    timeframe: '1h',
  }),
  macro: z
    .strictObject({
      series: z.array(z.string().regex(/^[A-Z0-9]+$/, 'a FRED series id in capitals')).default(DEFAULT_MACRO_SERIES),
      /** FRED publishes daily series in the afternoon US time; MTS asks after this UTC hour on business days. */
      releaseHourUtc: z.number().int().min(0).max(23).default(21),
      /** Series FRED updates once a week (the Fed's H.10 release, Mondays): asked for on the week's first business day only. */
      weekly: z.array(z.string().regex(/^[A-Z0-9]+$/, 'a FRED series id in capitals')).default(['DTWEXBGS', 'DEXUSEU', 'DEXCHUS']),
    })
    .prefault({}),
  signals: z
    .strictObject({
      interval: duration.default('1h'),
      /** How long after the hour signals wait for the hourly collection to settle. */
      delay: duration.default('5m'),
    })
    .prefault({}),
  /** How long after a candle closes its tier asks for it (the exchange needs a moment to close it). */
  settle: duration.default('10s'),
  /**
   * How far back an item with nothing stored starts: 10 days is one klines request at 15m (run `mts backfill` for
   * the months of history the strategies want).
   */
  initialLookback: duration.default('10d'),
  /** A failing item waits base × factor^(failures − 1), at most cap, before it runs again; it is never disabled. */
  backoff: z
    .strictObject({
      base: duration.default('30s'),
      factor: z.number().min(1).max(10).default(2),
      cap: duration.default('1h'),
    })
    .prefault({}),
  /** Calls per UTC day over all sources above which `mts run` warns (the original's schedule spent about 393). */
  dailyBudget: z.number().int().positive().default(393),
});

const strategyEntry = z.strictObject({
  enabled: z.boolean().optional(),
  weight: z.number().min(0).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const DEFAULT_STRATEGY_WEIGHTS: Record<string, number> = {
  vix_correlation: 0.3,
  mean_reversion: 0.25,
  volatility: 0.25,
  multi_bucket: 0.2,
  ripple: 0,
  sma_cross: 0,
};

const riskSchema = z
  .strictObject({
    maxDrawdown: fraction.default(0.2),
    dailyLossLimit: fraction.default(0.05),
    riskPerTrade: fraction.default(0.02),
    minPosition: fraction.default(0.005),
    maxPosition: fraction.default(0.1),
    maxPerAsset: fraction.default(0.15),
    maxPerSector: fraction.default(0.3),
    maxCorrelation: z.number().min(-1).max(1).default(0.8),
    maxHeat: fraction.default(0.1),
    /** Distance to stop (share of price) assumed for an open position without a stop when summing heat; 1 = its full value. */
    noStopDistance: z.number().gt(0).max(1).default(1),
    minRewardRisk: z.number().min(0).default(1.5),
    /** Warn when a measure reaches this share of its limit. */
    warnAt: fraction.default(0.8),
    sizing: z
      .strictObject({
        method: z.enum(['fixed', 'half_kelly', 'vol_target']).default('fixed'),
        fixedFraction: fraction.default(0.02),
        /** Fixed sizing takes the signal's own size (a fraction of equity) when it gives one, instead of fixedFraction x confidence. */
        useSignalSize: z.boolean().default(true),
        kellyCap: fraction.default(0.1),
        kellyMinTrades: z.number().int().min(1).default(30),
        /** Annualized volatility one position should carry: size = volTarget / the asset's annualized volatility. */
        volTarget: positive.default(0.2),
        /** No position above this share of the average daily volume. */
        maxShareOfVolume: fraction.default(0.01),
      })
      .prefault({}),
    atrStopMultiple: positive.default(2),
    levelWeights: z
      .strictObject({
        position: fraction.default(0.3),
        heat: fraction.default(0.25),
        drawdown: fraction.default(0.25),
        volatility: fraction.default(0.1),
        correlation: fraction.default(0.1),
      })
      .prefault({})
      .superRefine((w, ctx) => {
        const sum = w.position + w.heat + w.drawdown + w.volatility + w.correlation;
        if (Math.abs(sum - 1) >= 1e-9) ctx.addIssue({ code: 'custom', message: `the five level weights must sum to 1 (they sum to ${Number(sum.toFixed(9))})` });
      }),
    levelThresholds: z
      .strictObject({ low: fraction.default(0.08), medium: fraction.default(0.12), high: fraction.default(0.18) })
      .prefault({})
      .refine((t) => t.low <= t.medium && t.medium <= t.high, { message: 'thresholds must satisfy low <= medium <= high' }),
    sectors: z.record(z.string(), z.string()).default({}),
  })
  .refine((r) => r.minPosition <= r.maxPosition, { message: 'minPosition must not exceed maxPosition', path: ['minPosition'] })
  .refine((r) => r.maxPosition <= r.maxPerAsset, { message: 'maxPosition must not exceed maxPerAsset', path: ['maxPosition'] })
  .refine((r) => r.maxPerAsset <= r.maxPerSector, { message: 'maxPerAsset must not exceed maxPerSector', path: ['maxPerAsset'] })
  .refine((r) => r.riskPerTrade <= r.maxHeat, { message: 'riskPerTrade must not exceed maxHeat', path: ['riskPerTrade'] });

export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('./mts-data'),
  /** `sqlite:<path>` or `postgres://…`; default `sqlite:<dataDir>/mts.db`. */
  dbUrl: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'sqlite:<path> or postgres://…')
    .optional(),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'redis://host:port')
    .optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  alertsDir: z.string().min(1).optional(),
  assets: z.array(z.string()).min(1).default(DEFAULT_SYMBOLS),
  sources: sourcesSchema.prefault({}),
  tiers: tiersSchema.prefault({}),
  stream: z
    .strictObject({
      enabled: z.boolean().default(true),
      staleAfterMs: z.number().int().positive().default(60_000),
      orderBookDepth: z.number().int().min(1).max(1000).default(20),
      orderBookEvery: duration.default('1m'),
      /** How often the latest mark price and funding rate of each perpetual are stored. */
      fundingEvery: duration.default('1m'),
      /** Reconnect backoff: first wait, growth per failed attempt, longest wait. */
      reconnectBaseMs: z.number().int().positive().default(1000),
      reconnectFactor: z.number().min(1).default(2),
      reconnectMaxMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
  strategies: z.record(z.string(), strategyEntry).default({}),
  aggregation: z
    .strictObject({
      minConfidence: fraction.default(0.1),
      minSize: fraction.default(0.005),
      maxSize: fraction.default(0.05),
      /** Aggregated signals at or above this confidence become alerts. */
      alertMinConfidence: fraction.default(0.5),
    })
    .prefault({}),
  risk: riskSchema.prefault({}),
  backtest: z
    .strictObject({
      cash: positive.default(10_000),
      feeBps: z.number().min(0).max(1000).default(10),
      slippageBps: z.number().min(0).max(1000).default(5),
      /** Coefficient of the square-root volume-impact term (0 = off). */
      impact: z.number().min(0).default(0),
    })
    .prefault({}),
  paper: z
    .strictObject({
      cash: positive.default(10_000),
      maxAge: duration.default('5m'),
      minConfidence: fraction.default(0),
      rescanInterval: duration.default('5s'),
      snapshotInterval: duration.default('1h'),
      /** The candles the risk orchestrator measures the market on, and that stops and targets are checked against. */
      timeframe: z.enum(TIMEFRAME_NAMES as [string, ...string[]]).default('1h'),
    })
    .prefault({}),
  notifiers: z
    .strictObject({
      discordWebhookUrls: urlList.default([]),
      webhookUrls: urlList.default([]),
      webhookSecret: z.string().min(1).optional(),
      smtpUrl: z.string().regex(/^smtps?:\/\//, 'smtp://user:pass@host:port').optional(),
      emailTo: commaList.default([]),
      emailFrom: z.string().default('mts@localhost'),
      cooldown: duration.default('1h'),
      maxAttempts: z.number().int().min(1).default(5),
    })
    .prefault({}),
  /** Scale-out on Redis (SPEC §13); used only when redisUrl is set. */
  distributed: z
    .strictObject({
      /** Prefix of every Redis key and BullMQ queue MTS makes (several deployments can share one Redis). */
      prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -').default('mts'),
      /** Jobs a worker runs at once per queue (collection waits on rate limits, so more than one helps). */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** How long a worker's lock on a job lasts without renewal; a dead worker's job is taken over after it. */
      lockDuration: duration.default('30s'),
      /** Attempts per job before it counts as failed, with exponential backoff from backoffBase. */
      attempts: z.number().int().min(1).default(5),
      backoffBase: duration.default('2s'),
      /** A stream entry a paper trader has held unacknowledged this long is claimed by another. */
      claimIdle: duration.default('60s'),
      /** How long cached latest prices and signals live. */
      cacheTtl: duration.default('15m'),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      apiToken: z.string().min(16, 'at least 16 characters').optional(),
      /** Requests per minute each client IP may make to /api/v1 (429 above); 0 turns the limit off. */
      rateLimitPerMinute: z.number().int().min(0).default(600),
      /** Optional OIDC/OAuth 2.0 issuer whose JWT bearer tokens are accepted (roles from a claim). */
      oidc: z
        .strictObject({
          issuer: url,
          audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
          /** Where the issuer's signing keys are; default: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
          jwksUrl: url.optional(),
          /** The claim holding the user's groups or roles (a string or an array of strings); dots reach into objects. */
          roleClaim: z.string().min(1).default('roles'),
          /** Claim value → MTS role; the highest mapped value wins. */
          roleMap: z.record(z.string(), z.enum(['viewer', 'operator', 'admin'])).default({}),
          /** Role of a valid token whose claim maps to nothing; unset = such a token is refused (403). */
          defaultRole: z.enum(['viewer', 'operator', 'admin']).optional(),
          /** Allowed clock skew when checking exp/nbf, in seconds. */
          clockToleranceSec: z.number().int().min(0).max(300).default(30),
        })
        .optional(),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** The effective configuration: parsed, with derived paths filled in, deeply frozen. */
export type Config = Readonly<Parsed & { dbUrl: string; alertsDir: string }>;
