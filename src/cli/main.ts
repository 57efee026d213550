import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands.js';

// `mts export … | head` closes stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command();
program
  .name('mts')
  .description('MTS — crypto market data, signals, alerts, risk, backtests and paper trading')
  .option('--config <file>', 'config file (YAML or JSON); default ./mts.config.yaml if present')
  .option('--data-dir <dir>', 'where the database, alerts, reports and state live (MTS_DATA_DIR)')
  .option('--db <url>', 'sqlite:<path> or postgres://… (MTS_DB_URL)')
  .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent (MTS_LOG_LEVEL)')
  .option('--json', 'machine-readable result on stdout')
  .showHelpAfterError()
  .exitOverride();

/** The command named on the command line (skipping global options and their values), if any. */
function requestedCommand(argv: string[]): string | undefined {
  const withValue = new Set(['--config', '--data-dir', '--db', '--log-level']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (withValue.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

const wanted = requestedCommand(process.argv.slice(2));
const entries = COMMANDS.filter((c) => wanted !== undefined && c.names.includes(wanted));
for (const entry of entries.length > 0 ? entries : COMMANDS) (await entry.load())(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version exit 0; usage errors exit 2 (SPEC §3)
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
