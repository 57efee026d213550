import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMts } from './helpers/cli.js';
import { tempDir } from './helpers/env.js';

describe('a user strategy file outside the project', () => {
  it("loads from any folder (no package.json there) and imports defineStrategy from 'mts'", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'breakout.ts');
    writeFileSync(
      file,
      [
        "import { defineStrategy } from 'mts';",
        'const lookback: number = 24;',
        'export default defineStrategy({',
        "  name: 'anywhere_breakout',",
        "  description: 'long above the 24-bar high',",
        '  params: { lookback: { default: lookback, min: 2 } },',
        '  warmupBars: (p) => p.lookback + 1,',
        '  onBar: () => null,',
        '});',
      ].join('\n'),
    );
    const r = await runMts(['strategies', '--strategy', file], { env: { MTS_DATA_DIR: path.join(dir, 'data') }, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`anywhere_breakout  [${file}]`);
    expect(r.stdout).toMatch(/lookback = 24/);
  });
});
