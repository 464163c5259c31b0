import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { singleFileTar } from './tar.ts';

describe('singleFileTar', () => {
  it('makes an archive that tar extracts with the same content and mode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tar-'));
    try {
      const data = Buffer.from('#!/bin/sh\necho hi\n'.repeat(100));
      await writeFile(join(dir, 'a.tar'), singleFileTar('my-cni-plugin', data, 0o755));
      const res = spawnSync('tar', ['-xf', 'a.tar'], { cwd: dir, encoding: 'utf8' });
      expect(res.stderr).toBe('');
      expect(await readFile(join(dir, 'my-cni-plugin'))).toEqual(data);
      expect((await stat(join(dir, 'my-cni-plugin'))).mode & 0o777).toBe(0o755);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pads to whole 512-byte blocks', () => {
    expect(singleFileTar('x', Buffer.alloc(1), 0o644).length).toBe(512 + 512 + 1024);
    expect(singleFileTar('x', Buffer.alloc(0), 0o644).length).toBe(512 + 1024);
  });
});
