/** Runs the fake Binance in its own process for the backfill bench (so serving does not share the bench's thread). */
import { fakeBinance } from '../test/fakes/binance.js';

const fake = await fakeBinance({ weightPerWindow: 1_000_000 }).start();
process.stdout.write(`${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
