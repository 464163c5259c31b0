/**
 * Log lines are collected during the call and written once at its end: all of them to the
 * log file, warnings and errors also to stderr; never to stdout, which carries the result.
 * Each line names the command and the container.
 */
export class Logger {
  private file: string | undefined;
  private lines: string[] = [];
  private stderr: string[] = [];

  constructor(private readonly prefix: string) {}

  /** The log file becomes known only once the config is parsed. */
  setFile(path: string): void {
    this.file = path;
  }

  info(msg: string): void {
    this.add('info', msg);
  }

  warn(msg: string): void {
    this.add('warn', msg);
  }

  error(msg: string): void {
    this.add('error', msg);
  }

  private add(level: string, msg: string): void {
    const line = `${new Date().toISOString()} ${level} ${this.prefix} ${msg}\n`;
    this.lines.push(line);
    if (level !== 'info') this.stderr.push(line);
  }

  async flush(): Promise<void> {
    if (this.stderr.length > 0) await Bun.write(Bun.stderr, this.stderr.join(''));
    if (this.file && this.lines.length > 0) {
      try {
        // fs/promises, loaded only here: node:fs costs ~7 ms of start-up, this ~2 ms. Its
        // appendFile opens with O_APPEND, so concurrent plugin processes never interleave.
        const { appendFile } = await import('node:fs/promises');
        await appendFile(this.file, this.lines.join(''));
      } catch {
        // A log that cannot be written must not fail the network setup.
      }
    }
    this.lines = [];
    this.stderr = [];
  }
}
