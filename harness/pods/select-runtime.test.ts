import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectRuntime } from './select-runtime.ts';

describe('which pod runtime a command talks to', () => {
  const none = '/nonexistent/state.json';

  it('podman when the lab is up (its state file exists)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cni-lab-rt-'));
    const state = join(dir, 'state.json');
    await writeFile(state, JSON.stringify({ schemaVersion: 1, name: 'lab', provider: 'docker', nodes: [], outside: {} }));
    try {
      expect((await selectRuntime({ state })).name).toBe('podman');
      expect((await selectRuntime({ state, runtime: 'kubernetes' })).name).toBe('kubernetes');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kubernetes when no lab is up and a kubeconfig names a real cluster', async () => {
    expect((await selectRuntime({ state: none, kubeconfig: '/home/me/.kube/config' })).name).toBe('kubernetes');
  });

  it('a clear error when there is neither, and for an unknown runtime', async () => {
    const saved = process.env.KUBECONFIG;
    delete process.env.KUBECONFIG;
    try {
      await expect(selectRuntime({ state: none })).rejects.toThrow(/does not exist: cluster lab is not up \(\.\/cluster\.sh up\), and no KUBECONFIG/);
    } finally {
      if (saved !== undefined) process.env.KUBECONFIG = saved;
    }
    await expect(selectRuntime({ state: none, runtime: 'docker' })).rejects.toThrow(/--runtime "docker": use podman .* or kubernetes/);
  });
});
