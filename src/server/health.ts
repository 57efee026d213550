/**
 * GET /health: real checks of each component (rules in docs/server.md). Storage-derived facts are used when no
 * running module provides them, so `mts serve` alone still reports what the pipeline last did.
 */
import { type Config, scrub, secretValues } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import { isoTime, parseDuration } from '../core/time.js';
import type { DashboardRepo, SourceActivity } from '../storage/repos/dashboard.js';
import type { Store } from '../storage/store.js';
import { dataFreshness, humanAge, type ItemFreshness } from './freshness.js';
import { type HealthProvider, SOURCE_NAMES, type SourceFacts, type SourceName, type StreamHealthFacts } from './providers.js';

/** idle: nothing has run yet; not_configured: switched off by config; unknown: the check itself could not run. */
export type ComponentStatus = 'ok' | 'degraded' | 'down' | 'idle' | 'not_configured' | 'unknown';
export type OverallStatus = 'ok' | 'degraded' | 'down';

export interface ComponentHealth {
  status: ComponentStatus;
  /** One sentence: why this status. */
  reason: string;
  detail: Record<string, unknown>;
}

export interface HealthReport {
  status: OverallStatus;
  timestamp: string;
  components: {
    database: ComponentHealth;
    scheduler: ComponentHealth;
    sources: Record<SourceName, ComponentHealth>;
    paper: ComponentHealth;
    notifiers: ComponentHealth;
    /** Present when this process runs market streams (a provider gives them). */
    streams?: Record<string, ComponentHealth>;
    /** Only with MTS_REDIS_URL: unreachable is degraded (the embedded paths keep working). */
    redis?: ComponentHealth;
  };
}

export interface HealthOptions {
  store: Store;
  repo: DashboardRepo;
  config: Config;
  clock: Clock;
  providers?: HealthProvider;
  /** How long the database may take to answer the ping. */
  dbTimeoutMs?: number;
}

const rank: Record<ComponentStatus, number> = { ok: 0, idle: 0, not_configured: 0, unknown: 0, degraded: 1, down: 2 };
const iso = (ts: number | null | undefined) => (ts === null || ts === undefined ? null : isoTime(ts));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class HealthChecker {
  private readonly secrets: string[];
  private dbLastSuccess: number | null = null;
  private dbLastError: { ts: number; message: string } | null = null;

  constructor(private readonly o: HealthOptions) {
    this.secrets = secretValues(o.config);
  }

  private clean(text: string | null | undefined): string | null {
    return text === null || text === undefined ? null : scrub(text, this.secrets);
  }

  private async guarded(fn: () => Promise<ComponentHealth>): Promise<ComponentHealth> {
    try {
      return await fn();
    } catch (err) {
      return { status: 'unknown', reason: `check failed: ${this.clean(err instanceof Error ? err.message : String(err))}`, detail: {} };
    }
  }

  async check(): Promise<HealthReport> {
    const now = this.o.clock.now();
    const database = await this.database(now);
    let freshness: ItemFreshness[] | undefined;
    let freshnessError: string | undefined;
    try {
      freshness = await dataFreshness(this.o.store, this.o.repo, this.o.config, now);
    } catch (err) {
      freshnessError = this.clean(err instanceof Error ? err.message : String(err)) ?? undefined;
    }
    const providerSources = this.o.providers?.sources ? await Promise.resolve(this.o.providers.sources()).catch(() => undefined) : undefined;
    // Storage-derived call history, read once for the three sources (only needed for sources without a provider).
    let activity: Promise<SourceActivity[]> | undefined;
    const storedActivity = () => (activity ??= this.o.repo.sourceActivity());
    const scheduler = await this.guarded(() => this.scheduler(now));
    const sources = {} as Record<SourceName, ComponentHealth>;
    for (const name of SOURCE_NAMES) {
      sources[name] = await this.guarded(() => this.source(name, now, providerSources?.[name], storedActivity, freshness, freshnessError));
    }
    const paper = await this.guarded(() => this.paper(now));
    const notifiers = await this.guarded(() => this.notifiers());
    const streams = this.o.providers?.streams ? await this.streams() : undefined;
    const redisCheck = this.o.providers?.redis;
    const redis = redisCheck ? await this.guarded(async () => ({ ...(await redisCheck()) })) : undefined;
    const all = [database, scheduler, ...Object.values(sources), paper, notifiers, ...Object.values(streams ?? {}), ...(redis ? [redis] : [])];
    let status: OverallStatus = 'ok';
    // Without the database or the main loop nothing moves: down. Anything else wrong: degraded.
    if (database.status === 'down' || scheduler.status === 'down') status = 'down';
    else if (all.some((c) => rank[c.status] > 0)) status = 'degraded';
    return { status, timestamp: isoTime(now), components: { database, scheduler, sources, paper, notifiers, ...(streams ? { streams } : {}), ...(redis ? { redis } : {}) } };
  }

  private async database(now: number): Promise<ComponentHealth> {
    const started = performance.now();
    try {
      await withTimeout(this.o.store.ping(), this.o.dbTimeoutMs ?? 2000, 'the database');
      this.dbLastSuccess = now;
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      return {
        status: 'ok',
        reason: 'reachable and writable',
        detail: { dialect: this.o.store.dialect, latency_ms: latencyMs, last_success: iso(now), last_error: this.dbLastError },
      };
    } catch (err) {
      const message = this.clean(err instanceof Error ? err.message : String(err)) ?? 'unknown error';
      this.dbLastError = { ts: now, message };
      return {
        status: 'down',
        reason: `database unavailable: ${message}`,
        detail: { dialect: this.o.store.dialect, last_success: iso(this.dbLastSuccess), last_error: { at: iso(now), message } },
      };
    }
  }

  private async scheduler(now: number): Promise<ComponentHealth> {
    const facts = this.o.providers?.scheduler ? await this.o.providers.scheduler() : undefined;
    const activity = await this.o.repo.schedulerActivity();
    const failing = activity.failing.map((f) => ({ item: f.item, failures: f.failures, last_error: this.clean(f.lastError) }));
    const failingNote = failing.length ? `; failing: ${failing.map((f) => `${f.item} (${f.failures}x)`).join(', ')}` : '';
    if (facts) {
      const age = now - facts.lastTick;
      const limit = 2 * facts.tickIntervalMs;
      const detail = { last_tick: iso(facts.lastTick), age_ms: age, stale_after_ms: limit, failing };
      if (age > limit) return { status: 'down', reason: `scheduler has not ticked for ${humanAge(age)} (expected every ${humanAge(facts.tickIntervalMs)})`, detail };
      if (failing.length) return { status: 'degraded', reason: `scheduler running${failingNote}`, detail };
      return { status: 'ok', reason: `ticked ${humanAge(age)} ago`, detail };
    }
    if (activity.lastUpdate === null) return { status: 'idle', reason: 'the scheduler has not run yet', detail: { last_tick: null, failing } };
    const limit = 2 * Math.min(parseDuration(this.o.config.tiers.highFrequency.interval), parseDuration(this.o.config.tiers.hourly.interval));
    const age = now - activity.lastUpdate;
    const detail = { last_tick: iso(activity.lastUpdate), age_ms: age, stale_after_ms: limit, failing, in_process: false };
    if (age > limit) return { status: 'degraded', reason: `no scheduler activity for ${humanAge(age)} (expected within ${humanAge(limit)})${failingNote}`, detail };
    if (failing.length) return { status: 'degraded', reason: `scheduler active${failingNote}`, detail };
    return { status: 'ok', reason: `last activity ${humanAge(age)} ago`, detail };
  }

  private async source(
    name: SourceName,
    now: number,
    facts: SourceFacts | undefined,
    storedActivity: () => Promise<SourceActivity[]>,
    freshness: ItemFreshness[] | undefined,
    freshnessError: string | undefined,
  ): Promise<ComponentHealth> {
    const activity = facts ? undefined : (await storedActivity()).find((a) => a.source === name);
    const lastSuccess = facts ? (facts.lastSuccess ?? null) : (activity?.lastSuccess ?? null);
    const lastError = facts
      ? facts.lastError
        ? { ts: facts.lastError.ts, message: this.clean(facts.lastError.message) }
        : null
      : activity?.lastError
        ? { ts: activity.lastError.ts, message: this.clean(`${activity.lastError.endpoint}: ${activity.lastError.error ?? `HTTP ${activity.lastError.status}`}`) }
        : null;
    const items = (freshness ?? []).filter((f) => f.source === name);
    const stale = items.filter((f) => f.stale);
    const withData = items.filter((f) => f.lastComplete !== null);
    const detail: Record<string, unknown> = {
      breaker: facts?.breaker ?? null,
      last_success: iso(lastSuccess),
      last_error: lastError ? { at: iso(lastError.ts), message: lastError.message } : null,
      data: items.map((f) => ({ item: f.item, last_complete: iso(f.lastComplete), age_ms: f.ageMs, stale_after_ms: f.staleAfterMs, stale: f.stale })),
    };
    if (freshnessError) detail.data_error = freshnessError;
    if (name === 'fred' && !this.o.config.sources.fred.apiKey && !facts && withData.length === 0) {
      return { status: 'not_configured', reason: 'no MTS_FRED_API_KEY: the macro tier is skipped', detail };
    }
    if (facts?.breaker === 'open') return { status: 'down', reason: `circuit breaker open${lastError ? `; last error: ${lastError.message}` : ''}`, detail };
    const problems: string[] = [];
    if (facts?.breaker === 'half_open') problems.push('circuit breaker half-open (probing)');
    if (lastError && (lastSuccess === null || lastError.ts > lastSuccess)) problems.push(`last call failed: ${lastError.message}`);
    if (stale.length) {
      problems.push(
        `stale data: ${stale
          .slice(0, 3)
          .map((f) => `${f.item} ${humanAge(f.ageMs ?? 0)} old (limit ${humanAge(f.staleAfterMs)})`)
          .join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}`,
      );
    }
    if (problems.length) return { status: 'degraded', reason: problems.join('; '), detail };
    if (lastSuccess === null && withData.length === 0) return { status: 'idle', reason: 'no calls and no data recorded yet', detail };
    const missing = items.length - withData.length;
    const parts = [lastSuccess !== null ? `last success ${humanAge(Math.max(0, now - lastSuccess))} ago` : null, withData.length ? `${withData.length} items fresh` : null];
    if (missing) parts.push(`${missing} items have no data yet`);
    return { status: 'ok', reason: parts.filter(Boolean).join(', '), detail };
  }

  private async paper(now: number): Promise<ComponentHealth> {
    const facts = this.o.providers?.paper ? await this.o.providers.paper() : undefined;
    if (facts) {
      const detail = { alive: facts.alive, last_beat: iso(facts.lastBeat), last_error: this.clean(facts.lastError) };
      if (!facts.alive) return { status: 'down', reason: `paper engine stopped${facts.lastError ? `: ${this.clean(facts.lastError)}` : ''}`, detail };
      return { status: 'ok', reason: 'paper engine running', detail };
    }
    const account = await this.o.repo.paperAccount();
    if (!account) return { status: 'idle', reason: 'the paper trader has not run yet', detail: { last_activity: null } };
    const [lastEquity] = (await this.o.repo.paperEquity(1)).slice(-1);
    const last = Math.max(account.updated_at, lastEquity?.ts ?? 0);
    const limit = 2 * parseDuration(this.o.config.paper.snapshotInterval);
    const age = Math.max(0, now - last);
    const detail = { last_activity: iso(last), age_ms: age, active_within_ms: limit, in_process: false };
    if (age <= limit) return { status: 'ok', reason: `paper engine active ${humanAge(age)} ago`, detail };
    return { status: 'idle', reason: `no paper engine activity for ${humanAge(age)}`, detail };
  }

  /** Each stream: ok while connected and heard from; degraded otherwise (the REST schedule covers its data). */
  private async streams(): Promise<Record<string, ComponentHealth>> {
    const out: Record<string, ComponentHealth> = {};
    let facts: StreamHealthFacts[];
    try {
      facts = await (this.o.providers?.streams?.() ?? []);
    } catch (err) {
      return { all: { status: 'unknown', reason: `check failed: ${this.clean(err instanceof Error ? err.message : String(err))}`, detail: {} } };
    }
    for (const f of facts) {
      const detail = { connected: f.connected, last_message_age_ms: f.lastMessageAgeMs, reconnects: f.reconnects, messages: f.messages, stale_after_ms: f.staleAfterMs, covering: f.covering ?? null, series: f.series ?? null, sockets: f.sockets ?? null };
      const silent = f.lastMessageAgeMs === null || f.lastMessageAgeMs > f.staleAfterMs;
      if (!f.connected) out[f.market] = { status: 'degraded', reason: `${f.market} stream disconnected (${f.reconnects} reconnects so far); REST polling covers its data`, detail };
      else if (silent) out[f.market] = { status: 'degraded', reason: `${f.market} stream connected but silent${f.lastMessageAgeMs === null ? '' : ` for ${humanAge(f.lastMessageAgeMs)}`}`, detail };
      else out[f.market] = { status: 'ok', reason: `${f.market} stream live, last message ${humanAge(f.lastMessageAgeMs as number)} ago`, detail };
    }
    return out;
  }

  private async notifiers(): Promise<ComponentHealth> {
    const n = this.o.config.notifiers;
    const configured: string[] = [];
    if (n.discordWebhookUrls.length) configured.push('discord');
    if (n.webhookUrls.length) configured.push('webhook');
    if (n.smtpUrl && n.emailTo.length) configured.push('email');
    if (configured.length === 0) return { status: 'not_configured', reason: 'no Discord, webhook or e-mail channel configured', detail: { channels: [] } };
    const activity = new Map((await this.o.repo.channelActivity()).map((a) => [a.channel, a]));
    const channels = configured.map((channel) => {
      const a = activity.get(channel);
      return {
        channel,
        last_delivery: iso(a?.lastTs),
        last_status: a?.status ?? null,
        last_sent: iso(a?.lastSent),
        last_error: a && a.status === 'failed' ? this.clean(a.lastError) : null,
      };
    });
    const failing = channels.filter((c) => c.last_status === 'failed');
    if (failing.length) {
      return { status: 'degraded', reason: `last delivery failed on ${failing.map((c) => `${c.channel} (${c.last_error ?? 'no reason given'})`).join(', ')}`, detail: { channels } };
    }
    const delivered = channels.filter((c) => c.last_delivery !== null).length;
    return { status: 'ok', reason: `${configured.join(', ')} configured; ${delivered ? `${delivered} with deliveries` : 'nothing delivered yet'}`, detail: { channels } };
  }
}
