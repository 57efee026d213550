/** Spawning `node bin/mts.js run` against the fake servers, with helpers to wait for what it does. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/env.js';

export interface Spawned {
  child: ChildProcess;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnMts(args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, MTS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (d) => stderr.push(String(d)));
  child.stdout?.on('data', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr, exited };
}

/** Resolves once `check` holds (polled), or rejects after `ms` of real time. */
export async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The exit of a process, or a rejection when it is still running after `ms`. */
export function exitWithin(p: Spawned, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return Promise.race([
    p.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${p.stderr.join('').slice(-2000)}`)), ms)),
  ]);
}
