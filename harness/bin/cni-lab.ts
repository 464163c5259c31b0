import { describe, main } from '../cli/main.ts';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(describe(e));
  process.exitCode = e instanceof Error && e.name === 'UsageError' ? 2 : 1;
}
// testcontainers keeps sockets to dockerd open; the command is done.
process.exit();
