import type { Command } from 'commander';
import { secretValues } from '../config/mask.js';
import { exitCodeFor, MtsError } from '../core/errors.js';
import { type CommandContext, closeContext, createContext, globalOptions } from './context.js';

let knownSecrets: string[] = [];

function scrubbed(text: string): string {
  let out = text;
  for (const s of knownSecrets) if (s.length >= 4 && out.includes(s)) out = out.split(s).join('***');
  return out;
}

/** Prints an error the way users see it: the message (secrets scrubbed), and the code for MTS's own errors. */
export function reportError(err: unknown): void {
  const msg = err instanceof MtsError ? `error [${err.code}]: ${err.message}` : `error: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`${scrubbed(msg)}\n`);
  if (process.env.MTS_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${scrubbed(err.stack)}\n`);
}

/**
 * Wraps a command's action: builds the context from the global flags (a bad config exits 2 before any work),
 * runs the action, closes resources and sets the exit code.
 */
export function action<A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    let ctx: CommandContext | undefined;
    try {
      ctx = createContext(globalOptions(cmd));
      knownSecrets = secretValues(ctx.config);
      await fn(ctx, ...(args as unknown as A));
      process.exitCode = ctx.exitCode;
    } catch (err) {
      reportError(err);
      process.exitCode = exitCodeFor(err);
    } finally {
      if (ctx) {
        try {
          await closeContext(ctx);
        } catch (err) {
          reportError(err);
        }
      }
    }
  };
}
