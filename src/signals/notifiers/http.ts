/**
 * The one POST the HTTP channels make, with a timeout, and the classification of what came back: 2xx done;
 * 429, 408 and 5xx retry later (honouring Retry-After); other 4xx give up; network trouble retries. Messages
 * carry the masked target label only — a webhook URL is a credential (Discord's holds its token).
 */
import { GiveUpError, RetryableError } from '../../core/errors.js';

export interface PostResult {
  status: number;
  headers: Headers;
  text: string;
}

export async function postJson(url: string, body: string, headers: Record<string, string>, target: string, timeoutMs: number): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'mts-alerts/1', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    throw new RetryableError('notify_network', `${target}: ${networkReason(err)}`);
  }
  const text = await res.text().catch(() => '');
  return { status: res.status, headers: res.headers, text };
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer before the timeout';
  return `connection failed (${e.cause?.code ?? 'network error'})`;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Throws the right error for a non-2xx answer. */
export function failFor(res: PostResult, target: string, now: number, retryAfter?: number): never {
  const wait = retryAfter ?? retryAfterMs(res.headers, now);
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    throw new RetryableError('notify_http', `${target}: HTTP ${res.status}`, { retryAfterMs: wait, details: { status: res.status } });
  }
  throw new GiveUpError('notify_http', `${target}: HTTP ${res.status} (refused)`, { status: res.status });
}
