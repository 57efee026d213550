/** Bad risk configuration stops the program with exit code 2 and names the field, from the CLI and from loadConfig. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { ConfigError, exitCodeFor } from '../src/core/errors.js';
import { REPO_ROOT, tempDir } from './helpers/env.js';

const dir = tempDir('mts-risk-config-');

const BAD: [string, string, RegExp][] = [
  ['negative limit', 'risk:\n  maxDrawdown: -0.1\n', /risk\.maxDrawdown = -0\.1 .*: .*>=0/],
  ['max below min', 'risk:\n  minPosition: 0.2\n  maxPosition: 0.1\n', /risk\.minPosition = 0\.2 .*minPosition must not exceed maxPosition/],
  ['weights not summing to 1', 'risk:\n  levelWeights:\n    position: 0.5\n', /risk\.levelWeights = .*must sum to 1 \(they sum to 1\.2\)/],
  ['per-asset above per-sector', 'risk:\n  maxPerAsset: 0.4\n', /risk\.maxPerAsset = 0\.4 .*must not exceed maxPerSector/],
  ['thresholds out of order', 'risk:\n  levelThresholds:\n    low: 0.2\n', /risk\.levelThresholds = .*low <= medium <= high/],
  ['negative sizing fraction', 'risk:\n  sizing:\n    fixedFraction: -0.02\n', /risk\.sizing\.fixedFraction = -0\.02/],
  ['unknown sizing method', 'risk:\n  sizing:\n    method: martingale\n', /risk\.sizing\.method = "martingale".*allowed: fixed, half_kelly, vol_target/],
];

function writeBad(name: string, yaml: string): string {
  const file = path.join(dir, `${name.replace(/\W+/g, '_')}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

describe('bad risk configuration', () => {
  it.each(BAD)('loadConfig rejects %s, naming the field', (name, yaml, message) => {
    const file = writeBad(name, yaml);
    let err: unknown;
    try {
      loadConfig({ env: {}, cwd: dir, flags: { config: file } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect(exitCodeFor(err)).toBe(2);
  });

  function runConfig(file: string) {
    return spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), 'config', '--config', file], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir },
    });
  }

  it('`mts config` exits 2 naming every bad field: a negative limit and weights that do not sum to 1', () => {
    const res = runConfig(writeBad('cli_two', 'risk:\n  maxDrawdown: -0.1\n  levelWeights:\n    position: 0.5\n'));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(BAD[0][2]);
    expect(res.stderr).toMatch(BAD[2][2]);
    expect(res.stdout).toBe('');
  });

  it('`mts config` exits 2 when a maximum is below its minimum', () => {
    const res = runConfig(writeBad('cli_min', BAD[1][1]));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(BAD[1][2]);
  });

  it('accepts a good risk section and keeps its values', () => {
    const file = writeBad('good', 'risk:\n  maxDrawdown: 0.15\n  sectors:\n    DOGE: L1\n  sizing:\n    method: half_kelly\n');
    const cfg = loadConfig({ env: {}, cwd: dir, flags: { config: file } });
    expect(cfg.risk.maxDrawdown).toBe(0.15);
    expect(cfg.risk.sectors).toEqual({ DOGE: 'L1' });
    expect(cfg.risk.sizing.method).toBe('half_kelly');
    expect(cfg.risk.dailyLossLimit).toBe(0.05);
  });
});
