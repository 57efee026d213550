import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/clock.js';
import { GiveUpError, RetryableError } from '../../core/errors.js';
import { memoryLogger } from '../../core/log.js';
import type { ApiCall } from '../../storage/repos/ops.js';
import { CallAccounting } from './accounting.js';
import { SourceBreaker } from './breaker.js';
import { type FetchLike, SourceClient } from './client.js';
import { TokenBucket } from './rate-limiter.js';

const KEY = 'abcdef0123456789abcdef0123456789';

function clientWith(answers: (() => Response | Promise<Response>)[], breaker = { errorThresholdPercentage: 50, volumeThreshold: 100, resetTimeoutMs: 200, rollingCountTimeoutMs: 10_000 }) {
  const { logger, lines } = memoryLogger({ level: 'debug' });
  const stored: ApiCall[] = [];
  const accounting = new CallAccounting({ recordApiCalls: async (c) => void stored.push(...c) }, logger, 1);
  const seen: string[] = [];
  let i = 0;
  const fetch: FetchLike = async (url, init) => {
    seen.push(url);
    const answer = answers[Math.min(i++, answers.length - 1)];
    return new Promise<Response>((resolve, reject) => {
      init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true });
      Promise.resolve(answer()).then(resolve, reject);
    });
  };
  const clock = new SystemClock();
  const client = new SourceClient({
    source: 'fred',
    clock,
    log: logger,
    limiter: new TokenBucket({ limit: 1000, windowMs: 1000, safetyFraction: 0.9 }, clock),
    breaker: new SourceBreaker('fred', breaker, logger),
    accounting,
    timeoutMs: 100,
    retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 },
    secrets: [KEY],
    fetch,
  });
  return { client, stored, seen, lines, accounting };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers });
const never = () => new Promise<Response>(() => undefined);
const url = `http://127.0.0.1:1/fred/series/observations?series_id=VIXCLS&api_key=${KEY}`;

describe('SourceClient', () => {
  it('retries 5xx, 429 (honouring Retry-After), timeouts and malformed bodies, then returns the answer', async () => {
    const { client, stored, seen, accounting } = clientWith([
      json({ error: 'down' }, 503),
      json({}, 429, { 'retry-after': '0.01' }),
      never,
      () => new Response('{"observations": [', { status: 200 }),
      json({ observations: [] }),
    ]);
    const body = await client.getJson(url, { endpoint: '/series/observations' });
    expect(body).toEqual({ observations: [] });
    expect(seen).toHaveLength(5);
    await accounting.flush();
    expect(stored.map((c) => [c.status, c.error])).toEqual([
      [503, 'E_HTTP_5XX'],
      [429, 'E_RATE_LIMITED'],
      [0, 'E_TIMEOUT'],
      [200, 'E_MALFORMED'],
      [200, null],
    ]);
    expect(stored.every((c) => c.endpoint === '/series/observations' && c.source === 'fred')).toBe(true);
  });

  it('gives up at once on a refusal (4xx) and keeps the key out of the message', async () => {
    const { client, seen, lines } = clientWith([json({ error_message: `Bad api_key ${KEY}` }, 400)]);
    const err: any = await client.getJson(url).catch((e: any) => e);
    expect(err).toBeInstanceOf(GiveUpError);
    expect(seen).toHaveLength(1);
    expect(err.message).toContain('/fred/series/observations');
    expect(err.message).not.toContain(KEY);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('stops after maxAttempts with a retryable error', async () => {
    const { client, seen } = clientWith([json({}, 500)]);
    const err: any = await client.getJson(url).catch((e: any) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('E_HTTP_5XX');
    expect(seen).toHaveLength(6);
  });

  it('opens its breaker when the source keeps failing, refusing calls without touching the network', async () => {
    const { client, seen } = clientWith([json({}, 502)], { errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeoutMs: 60_000, rollingCountTimeoutMs: 10_000 });
    const first: any = await client.getJson(url).catch((e: any) => e);
    expect(client.breaker.state).toBe('open');
    expect(first.code).toBe('E_CIRCUIT_OPEN');
    const before = seen.length;
    const again: any = await client.getJson(url).catch((e: any) => e);
    expect(again.code).toBe('E_CIRCUIT_OPEN');
    expect(seen.length).toBe(before);
    client.breaker.shutdown();
  });
});
