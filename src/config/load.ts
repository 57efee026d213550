import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { type Config, type ConfigInput, configSchema } from './schema.js';

type Layer = Record<string, unknown>;
type Env = Record<string, string | undefined>;

/** Command-line flags that map onto config (SPEC §3 global flags). */
export interface ConfigFlags {
  config?: string;
  dataDir?: string;
  db?: string;
  logLevel?: string;
  /** Any further overrides, as a partial config. */
  overrides?: ConfigInput;
}

/** SPEC §2 environment variables and where each lands in the config. */
const ENV_MAP: [string, string, ('int' | 'list')?][] = [
  ['MTS_DATA_DIR', 'dataDir'],
  ['MTS_DB_URL', 'dbUrl'],
  ['MTS_REDIS_URL', 'redisUrl'],
  ['MTS_REDIS_PREFIX', 'distributed.prefix'],
  ['MTS_LOG_LEVEL', 'logLevel'],
  ['MTS_ALERTS_DIR', 'alertsDir'],
  ['MTS_COINGECKO_API_KEY', 'sources.coingecko.apiKey'],
  ['MTS_COINGECKO_PLAN', 'sources.coingecko.plan'],
  ['MTS_COINGECKO_BASE_URL', 'sources.coingecko.baseUrl'],
  ['MTS_BINANCE_BASE_URL', 'sources.binance.baseUrl'],
  ['MTS_BINANCE_FUTURES_BASE_URL', 'sources.binance.futuresBaseUrl'],
  ['MTS_BINANCE_WS_URL', 'sources.binance.wsUrl'],
  ['MTS_BINANCE_FUTURES_WS_URL', 'sources.binance.futuresWsUrl'],
  ['MTS_FRED_API_KEY', 'sources.fred.apiKey'],
  ['MTS_FRED_BASE_URL', 'sources.fred.baseUrl'],
  ['MTS_DISCORD_WEBHOOK_URL', 'notifiers.discordWebhookUrls', 'list'],
  ['MTS_WEBHOOK_URLS', 'notifiers.webhookUrls', 'list'],
  ['MTS_WEBHOOK_SECRET', 'notifiers.webhookSecret'],
  ['MTS_SMTP_URL', 'notifiers.smtpUrl'],
  ['MTS_ALERT_EMAIL_TO', 'notifiers.emailTo', 'list'],
  ['MTS_HTTP_HOST', 'http.host'],
  ['MTS_HTTP_PORT', 'http.port', 'int'],
  ['MTS_API_TOKEN', 'http.apiToken'],
];

function setPath(obj: Layer, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Layer;
  }
  cur[keys[keys.length - 1]] = value;
}

function getPath(obj: unknown, keys: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function isPlainObject(v: unknown): v is Layer {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where later layers win; arrays are replaced, not concatenated. */
export function mergeLayers(...layers: Layer[]): Layer {
  const out: Layer = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeLayers(out[k] as Layer, v) : v;
    }
  }
  return out;
}

export function envLayer(env: Env): Layer {
  const layer: Layer = {};
  for (const [name, target, kind] of ENV_MAP) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (kind === 'int') value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (kind === 'list') value = raw.split(',').map((s) => s.trim()).filter(Boolean);
    setPath(layer, target, value);
  }
  return layer;
}

export function readConfigFile(file: string): Layer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('E_CONFIG_FILE', `config file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ConfigError('E_CONFIG_FILE', `config file ${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw new ConfigError('E_CONFIG_FILE', `config file ${file}: the top level must be a mapping of settings`);
  return parsed;
}

/** Settings whose values are secrets (or URLs that may hold one), never echoed in an error. */
const SECRET_FIELD = /(apiKey|apiToken|webhookSecret|smtpUrl|webhookUrls|discordWebhookUrls|dbUrl|redisUrl)(\.\d+)?$/;

function describeValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Turns zod issues into one message naming each field, its value, where it came from and what is allowed. */
function formatIssues(issues: z.core.$ZodIssue[], layers: [string, Layer][], merged: Layer): string {
  const lines = issues.map((issue) => {
    let keys: PropertyKey[] = issue.path;
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') {
      keys = [...issue.path, issue.keys[0]];
      msg = `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    const field = keys.map(String).join('.') || '(root)';
    const origin = [...layers].reverse().find(([, l]) => getPath(l, keys) !== undefined)?.[0];
    // A rejected secret is still a secret: its field is named, its value is not shown.
    const value = issue.code === 'unrecognized_keys' ? '' : SECRET_FIELD.test(field) ? ' = ***' : ` = ${describeValue(getPath(merged, keys))}`;
    const allowed = issue.code === 'invalid_value' && 'values' in issue ? ` (allowed: ${issue.values.map(String).join(', ')})` : '';
    return `  ${field}${value}${origin ? ` [from ${origin}]` : ''}: ${msg}${allowed}`;
  });
  return `invalid configuration:\n${lines.join('\n')}`;
}

function deepFreeze<T>(obj: T): T {
  if (typeof obj === 'object' && obj !== null && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

export interface LoadOptions {
  flags?: ConfigFlags;
  env?: Env;
  cwd?: string;
}

/** The config file the loader reads: --config, else MTS_CONFIG, else ./mts.config.yaml when present. */
export function configFileOf(flags: ConfigFlags, env: Env, cwd: string): string | undefined {
  const file = flags.config ?? env.MTS_CONFIG;
  if (file) return file;
  return existsSync(path.join(cwd, 'mts.config.yaml')) ? 'mts.config.yaml' : undefined;
}

/** Loads defaults < file < env < flags, validates once and freezes. Throws ConfigError (exit 2) when invalid. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const flags = opts.flags ?? {};
  const layers: [string, Layer][] = [];

  const file = configFileOf(flags, env, cwd);
  if (file) layers.push([`config file ${file}`, readConfigFile(path.resolve(cwd, file))]);
  layers.push(['environment', envLayer(env)]);
  const flagLayer: Layer = mergeLayers((flags.overrides ?? {}) as Layer);
  if (flags.dataDir !== undefined) flagLayer.dataDir = flags.dataDir;
  if (flags.db !== undefined) flagLayer.dbUrl = flags.db;
  if (flags.logLevel !== undefined) flagLayer.logLevel = flags.logLevel;
  layers.push(['command line', flagLayer]);

  const merged = mergeLayers(...layers.map(([, l]) => l));
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError('E_CONFIG_INVALID', formatIssues(result.error.issues, layers, merged));
  const parsed = result.data;
  const dataDir = path.resolve(cwd, parsed.dataDir);
  const config = {
    ...parsed,
    dataDir,
    dbUrl: parsed.dbUrl ?? `sqlite:${path.join(dataDir, 'mts.db')}`,
    alertsDir: path.resolve(cwd, parsed.alertsDir ?? path.join(dataDir, 'alerts')),
  };
  return deepFreeze(config);
}

/** Validates a config object as the loader would (defaults applied); for tests and programmatic use. */
export function buildConfig(input: ConfigInput = {}, cwd = process.cwd()): Config {
  return loadConfig({ env: {}, cwd, flags: { overrides: input } });
}
