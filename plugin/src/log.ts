import { appendFileSync } from 'node:fs';

/**
 * Log lines go to the log file and, for warnings and errors, to stderr: never to
 * stdout, which carries the result. Each line names the command and the container.
 */
export class Logger {
  private file: string | undefined;

  constructor(private readonly prefix: string) {}

  /** The log file becomes known only once the config is parsed. */
  setFile(path: string): void {
    this.file = path;
  }

  info(msg: string): void {
    this.write('info', msg);
  }

  warn(msg: string): void {
    this.write('warn', msg);
  }

  error(msg: string): void {
    this.write('error', msg);
  }

  private write(level: string, msg: string): void {
    const line = `${new Date().toISOString()} ${level} ${this.prefix} ${msg}\n`;
    if (level !== 'info') process.stderr.write(line);
    if (!this.file) return;
    try {
      appendFileSync(this.file, line);
    } catch {
      // A log that cannot be written must not fail the network setup.
    }
  }
}
