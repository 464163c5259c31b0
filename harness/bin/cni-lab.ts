import { describe, main } from '../cli/main.ts';
import { InterruptedError, UsageError } from '../errors.ts';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(describe(e));
  process.exitCode = e instanceof InterruptedError ? e.exitCode : e instanceof UsageError ? 2 : 1;
}
// testcontainers keeps sockets to dockerd open; the command is done.
process.exit();
