/** The process entry: runs the CLI and maps its result to the exit code. */
import { main } from './main.js';
import { clearProgressLine } from './terminal.js';
import { internalErrorText } from './run.js';

// Ctrl-C: leave the terminal clean (no half-drawn progress line) and exit as shells expect.
process.once('SIGINT', () => {
  clearProgressLine();
  process.exit(130);
});

// The reader of our output went away (`spoofwatch scan | head -1`): nothing more can be
// delivered, so stop at once, quietly, instead of reading the rest of the logs for nobody.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') return;
  clearProgressLine(); // as drawn: no escape sequence under NO_COLOR or TERM=dumb, nothing when none is shown
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(internalErrorText(err));
    process.exitCode = 3;
  },
);
