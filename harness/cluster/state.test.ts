import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStatePath, readState, writeState, type ClusterState } from './state.ts';

const state: ClusterState = {
  schemaVersion: 1,
  provider: 'docker',
  name: 'lab',
  createdAt: '2026-12-03T00:00:00.000Z',
  hostNetwork: '10.0.0.0/16',
  podNetwork: '200.200.0.0/16',
  nodeCidrMaskSize: 24,
  nodes: [{ name: 'my-k8s-master', role: 'control-plane', ip: '10.0.0.2', podCidr: '200.200.0.0/24', id: 'abc' }],
  outside: {
    network: '198.51.100.0/24',
    routerHostIp: '10.0.255.254',
    routerOutsideIp: '198.51.100.254',
    echoHostIp: '198.51.100.10',
    echoHostName: 'echo.nmap.org',
    echoSecret: 's',
  },
  providerDetails: {},
};

describe('cluster state file', () => {
  it('round-trips through the file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'state-')), 'sub', 'state.json');
    await writeState(path, state);
    expect(await readState(path)).toEqual(state);
  });

  it('is undefined when there is no file, and an error naming the file when it is not a state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'state-'));
    expect(await readState(join(dir, 'none.json'))).toBeUndefined();
    await writeFile(join(dir, 'bad.json'), '{"schemaVersion": 7}');
    await expect(readState(join(dir, 'bad.json'))).rejects.toThrow(/bad.json: is not a cni-lab cluster state \(schemaVersion 7\)/);
    await writeFile(join(dir, 'torn.json'), '{"sch');
    await expect(readState(join(dir, 'torn.json'))).rejects.toThrow(/is not JSON/);
  });

  it('leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'state-'));
    await writeState(join(dir, 'state.json'), state);
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).name).toBe('lab');
  });

  it('lives under .cache/cni-lab/<cluster> by default', () => {
    expect(defaultStatePath('lab')).toMatch(/\.cache\/cni-lab\/lab\/state\.json$/);
  });
});
