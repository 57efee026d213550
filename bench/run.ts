/**
 * `npm run bench [name-filter]`: runs every bench/*.bench.ts and prints each figure with its ratio against the
 * baseline measured in the same run. `--json` prints the rows as JSON.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bench, type BenchResult, fmt } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const filter = args.find((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const rows: BenchResult[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { default: Bench };
  const res = await mod.default();
  for (const r of res) {
    rows.push(r);
    if (!json) {
      process.stdout.write(
        `${r.name.padEnd(52)} ${fmt(r.figure).padStart(9)} ${r.unit.padEnd(12)} vs ${r.baselineName} ${fmt(r.baseline)}: ratio ${r.ratio.toFixed(2)}${r.target ? `  (target ${r.target})` : ''}\n`,
      );
    }
  }
}
if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
