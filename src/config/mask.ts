import type { Config } from './schema.js';

const MASK = '***';

function urlPassword(u: string | undefined): string | undefined {
  if (!u) return undefined;
  try {
    const p = new URL(u).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

function maskUrlPassword(u: string | undefined): string | undefined {
  if (!u) return u;
  try {
    const parsed = new URL(u);
    if (!parsed.password) return u;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    return MASK;
  }
}

/** Every secret value in the config, for scrubbing logs and errors (longest first, so parts never leak). */
export function secretValues(config: Config): string[] {
  const n = config.notifiers;
  const values = [
    config.sources.coingecko.apiKey,
    config.sources.fred.apiKey,
    config.http.apiToken,
    n.webhookSecret,
    n.smtpUrl,
    urlPassword(n.smtpUrl),
    urlPassword(config.dbUrl),
    urlPassword(config.redisUrl),
    ...n.discordWebhookUrls,
    ...n.webhookUrls,
  ];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))].sort((a, b) => b.length - a.length);
}

/** A copy of the config safe to print: keys, tokens and webhook URLs replaced, URL passwords masked. */
export function maskConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as any;
  const set = (v: unknown) => (v === undefined ? undefined : MASK);
  copy.sources.coingecko.apiKey = set(copy.sources.coingecko.apiKey);
  copy.sources.fred.apiKey = set(copy.sources.fred.apiKey);
  copy.http.apiToken = set(copy.http.apiToken);
  copy.notifiers.webhookSecret = set(copy.notifiers.webhookSecret);
  copy.notifiers.smtpUrl = maskUrlPassword(copy.notifiers.smtpUrl);
  copy.notifiers.discordWebhookUrls = copy.notifiers.discordWebhookUrls.map(() => MASK);
  copy.notifiers.webhookUrls = copy.notifiers.webhookUrls.map(() => MASK);
  copy.dbUrl = maskUrlPassword(copy.dbUrl);
  copy.redisUrl = maskUrlPassword(copy.redisUrl);
  return copy;
}

/** Replaces every known secret in a string. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}
