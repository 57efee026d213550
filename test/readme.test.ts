/**
 * The manual cannot drift from the code: every ```sh runnable block of README.md is run as written (issue 11), after
 * `mts demo` (what `npm start` runs) has filled a fresh data dir, from a working folder where `../shared/data` and
 * `examples/` are where the README says, with the exchange APIs answered by the fake servers on 127.0.0.1.
 * `npx mts` is run as `node bin/mts.js` — the same file npx starts, without npm's start-up time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeBinance } from './fakes/binance.js';
import { fakeCoinGecko } from './fakes/coingecko.js';
import { shiftToNow } from './fakes/data.js';
import { fakeFred } from './fakes/fred.js';
import type { FakeServer } from './fakes/server.js';
import { REPO_ROOT, tempDir, testDataDir } from './helpers/env.js';

const FRED_KEY = 'readme0123456789abcdef0123456789';

/** The runnable blocks of the README, each as its command lines (comments and blank lines dropped). */
function runnableBlocks(markdown: string): { line: number; commands: string[] }[] {
  const out: { line: number; commands: string[] }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh runnable') continue;
    const start = i + 1;
    const commands: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) {
      const l = lines[i].trim();
      if (l && !l.startsWith('#')) commands.push(l);
    }
    out.push({ line: start, commands });
  }
  return out;
}

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const blocks = runnableBlocks(readme);
const root = tempDir('mts-readme-');
const work = path.join(root, 'work');
let env: Record<string, string>;
const servers: FakeServer[] = [];

/** Runs one README line with bash, asynchronously: the fake servers answer from this process meanwhile. */
function sh(command: string, timeoutMs = 240_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = `node ${JSON.stringify(path.join(REPO_ROOT, 'bin/mts.js'))}`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command.replace(/\bnpx mts\b/g, bin)], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  symlinkSync(path.dirname(testDataDir()), path.join(root, 'shared'));
  symlinkSync(path.join(REPO_ROOT, 'examples'), path.join(work, 'examples'));
  const shiftMs = shiftToNow();
  const binance = await fakeBinance({ shiftMs, weightPerWindow: 1_000_000 }).start();
  const coingecko = await fakeCoinGecko({ shiftMs, callsPerWindow: 1_000_000 }).start();
  const fred = await fakeFred({ apiKey: FRED_KEY, callsPerWindow: 1_000_000 }).start();
  servers.push(binance, coingecko, fred);
  env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MTS_')) env[k] = v;
  Object.assign(env, {
    MTS_LOG_LEVEL: 'warn',
    MTS_BINANCE_BASE_URL: binance.url,
    MTS_BINANCE_FUTURES_BASE_URL: binance.url,
    MTS_COINGECKO_BASE_URL: `${coingecko.url}/api/v3`,
    MTS_FRED_BASE_URL: `${fred.url}/fred`,
    MTS_FRED_API_KEY: FRED_KEY,
  });
  const demo = await sh('npx mts demo', 300_000);
  if (demo.code !== 0) throw new Error(`mts demo failed (${demo.code}): ${demo.stderr.slice(-2000)}`);
}, 320_000);

afterAll(() => Promise.all(servers.map((s) => s.close())));

describe('README', () => {
  it('has runnable examples for every command', () => {
    const all = blocks.flatMap((b) => b.commands).join('\n');
    for (const cmd of ['import', 'export', 'gaps', 'doctor', 'collect', 'backfill', 'run', 'strategies', 'signals', 'backtest', 'report', 'optimize', 'paper', 'keys', 'audit', 'backup', 'restore', 'config']) {
      expect(all, `no runnable example of mts ${cmd}`).toMatch(new RegExp(`npx mts ${cmd}\\b`));
    }
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  for (const block of blocks) {
    it(`runs the block at README.md line ${block.line} as written`, async () => {
      for (const command of block.commands) {
        const r = await sh(command);
        expect(r.code, `README.md:${block.line}: ${command}\n${r.stderr.slice(-3000)}`).toBe(0);
        expect(r.stderr, `README.md:${block.line}: ${command} wrote an error`).not.toMatch(/^error\b/m);
      }
    }, 600_000);
  }
});
