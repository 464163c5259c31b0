import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { getContainerRuntimeClient } from 'testcontainers';
import { debugLog } from '../../debug-log.ts';
import { CommandError, shellQuote } from '../../errors.ts';
import type { ExecResult, NodeExecOptions, NodeTransport } from '../provider.ts';
import { singleFileTar } from './tar.ts';

const log = debugLog('node');

/** A node reached through `docker exec` and Docker's archive API (testcontainers' client). */
export class DockerNodeTransport implements NodeTransport {
  constructor(
    readonly node: string,
    /** The container id or name. */
    private readonly container: string,
  ) {}

  async exec(argv: readonly string[], opts: NodeExecOptions = {}): Promise<ExecResult> {
    const client = await getContainerRuntimeClient();
    const what = opts.what ?? `run ${argv[0] ?? ''}`;
    const t0 = performance.now();
    let res;
    try {
      res = await client.container.exec(client.container.getById(this.container), [...argv]);
    } catch (e) {
      throw new CommandError(what, this.node, this.pasteable(argv), 126, (e as Error).message, { cause: e });
    }
    const out = { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode };
    log(`${this.node}: ${shellQuote(argv)} -> exit ${out.exitCode} in ${(performance.now() - t0).toFixed(0)} ms`);
    if (out.exitCode !== 0 && !opts.allowFailure) {
      throw new CommandError(what, this.node, this.pasteable(argv), out.exitCode, out.stderr || out.stdout);
    }
    return out;
  }

  async copy(localPath: string, remotePath: string): Promise<void> {
    const client = await getContainerRuntimeClient();
    const [data, st] = await Promise.all([readFile(localPath), stat(localPath)]);
    const tar = singleFileTar(basename(remotePath), data, st.mode, st.mtimeMs / 1000);
    try {
      await client.container.putArchive(client.container.getById(this.container), Readable.from([tar]), dirname(remotePath));
    } catch (e) {
      const cmd = `docker cp ${shellQuote([localPath, `${this.container}:${remotePath}`])}`;
      throw new CommandError(`copy ${localPath}`, this.node, cmd, 1, (e as Error).message, { cause: e });
    }
  }

  /** The same command as a line to paste into a shell on this machine. */
  private pasteable(argv: readonly string[]): string {
    return `docker exec ${shellQuote([this.container, ...argv])}`;
  }
}
