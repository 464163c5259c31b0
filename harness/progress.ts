/**
 * Short step lines for people, one per step with its duration, on stderr (stdout carries
 * results such as the status table). Errors are thrown, not logged.
 */
export class Progress {
  private readonly t0 = performance.now();

  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {}

  /** Runs one step and prints `✓ title (1.23s)` or `✗ title (1.23s)`; a note replaces the title's tail. */
  async step<T>(title: string, fn: () => Promise<T>, note?: (result: T) => string): Promise<T> {
    const start = performance.now();
    try {
      const result = await fn();
      const extra = note ? note(result) : '';
      this.write(`✓ ${title}${extra ? `: ${extra}` : ''} (${seconds(performance.now() - start)})`);
      return result;
    } catch (e) {
      this.write(`✗ ${title} (${seconds(performance.now() - start)})`);
      throw e;
    }
  }

  info(line: string): void {
    this.write(`• ${line}`);
  }

  /** Total time since this Progress was made. */
  elapsed(): string {
    return seconds(performance.now() - this.t0);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** A Progress that prints nothing, for library callers and tests. */
export const silentProgress = (): Progress => new Progress(() => {});
