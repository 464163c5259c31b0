import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { plannedCells } from '../../fixtures/cells.ts';

const dir = mkdtempSync(join(tmpdir(), 'cni-lab-planned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'id'), ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });

/** Machines a user already has, with names of their own. */
const INVENTORY = `hostNetwork: 10.9.0.0/16
podNetwork: 10.244.0.0/16
nodes:
${['cp', 'alpha', 'beta'].map((name, i) => `  - name: ${name}\n    host: 127.0.0.1\n    port: ${2200 + i}\n    key: id\n    nodeIp: 10.9.0.${i + 10}\n    podCidr: 10.244.${i}.0/24`).join('\n')}
outside:
  echoHostIp: 192.0.2.10
  echoSecret: s3cret
  echoHostName: echo.example
  routerHostIp: 10.9.255.254
`;

describe('the cells Playwright lists before the lab is up', () => {
  it("are the seed's on docker and qemu", () => {
    const ids = plannedCells({ LAB_PROVIDER: 'qemu' }).map((c) => c.id);
    expect(ids).toContain('pod-to-pod/other-node/pod-1->pod-2/tcp-80');
    expect(ids.some((id) => id.includes('my-k8s-worker-1'))).toBe(true);
    expect(plannedCells({ LAB_PROVIDER: 'docker' }).map((c) => c.id)).toEqual(ids);
  });

  it("come from the ssh provider's inventory, with its machines' names", () => {
    const file = join(dir, 'machines.yaml');
    writeFileSync(file, INVENTORY);
    const cells = plannedCells({ LAB_PROVIDER: 'ssh', LAB_INVENTORY: file });
    const nodes = new Set(cells.flatMap((c) => [c.source, c.destination]).filter((e) => e.kind === 'node').map((e) => e.name));
    expect([...nodes].sort()).toEqual(['alpha', 'beta', 'cp']);
    expect(cells.some((c) => c.destination.kind === 'outside' && c.destination.ip === '192.0.2.10')).toBe(true);
    expect(cells.filter((c) => c.source.kind === 'pod').every((c) => c.source.node === 'alpha' || c.source.node === 'beta')).toBe(true);
  });
});
