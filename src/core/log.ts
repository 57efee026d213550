import { Writable } from 'node:stream';
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Strings that must never be written (keys, tokens, webhook URLs); replaced by *** in every line. */
  secrets?: readonly string[];
  /** Human-readable output; default when stderr is a TTY. */
  pretty?: boolean;
  /** Where lines go; default stderr. */
  destination?: NodeJS.WritableStream;
}

function scrubLine(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/** The secret list of each logger, so a config reloaded at run time can add the values it brings. */
const secretLists = new WeakMap<Logger, string[]>();

/** Adds secrets a logger (and its children) must scrub from now on, e.g. a webhook URL from a reloaded config. */
export function addLogSecrets(logger: Logger, values: readonly string[]): void {
  const list = secretLists.get(logger);
  if (!list) return;
  for (const v of values) if (v.length >= 4 && !list.includes(v)) list.push(v);
  // Longest first, so a secret that contains another is replaced whole.
  list.sort((a, b) => b.length - a.length);
}

/** The one logger: pino to stderr (results go to stdout), secrets scrubbed from every line. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const secrets = [...(opts.secrets ?? [])].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const dest = opts.destination ?? process.stderr;
  const usePretty = opts.pretty ?? (dest === process.stderr && process.stderr.isTTY === true);
  const stream = usePretty ? pretty({ destination: dest as any, colorize: true, sync: true, ignore: 'pid,hostname' }) : dest;
  const logger = pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      redact: { paths: ['apiKey', '*.apiKey', 'token', '*.token', 'password', '*.password', 'headers.authorization', '*.headers.authorization'], censor: '***' },
      hooks: { streamWrite: (s: string) => (secrets.length ? scrubLine(s, secrets) : s) },
    },
    stream as pino.DestinationStream,
  );
  secretLists.set(logger, secrets);
  return logger;
}

/** A logger that keeps its lines in memory, for tests that assert on what was logged. */
export function memoryLogger(opts: Omit<LoggerOptions, 'destination' | 'pretty'> = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(l);
      cb();
    },
  });
  return { logger: createLogger({ ...opts, destination, pretty: false }), lines };
}

export const silentLogger: Logger = pino({ level: 'silent' });
