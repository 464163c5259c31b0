import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../cluster/state.ts';
import { PrerequisiteError, UsageError } from '../../errors.ts';
import { silentProgress } from '../../progress.ts';
import { formatController, thisController } from '../controller.ts';
import { checkGcpPrerequisites } from './prerequisites.ts';
import { GcpProvider } from './provider.ts';

/**
 * A stand-in gcloud on PATH: it logs its arguments, answers `list` from a JSON file per kind
 * and `delete` by removing that file (so a second down finds nothing), as gcloud would.
 */
const FAKE_GCLOUD = `#!/bin/sh
d="$FAKE_GCLOUD_DIR"
echo "$*" >> "$d/log"
case "$*" in
  "auth list"*) [ -n "$FAKE_GCLOUD_ACCOUNT" ] && echo "$FAKE_GCLOUD_ACCOUNT"; exit 0 ;;
  "compute networks subnets "*) kind=subnet ;;
  "compute networks "*) kind=network ;;
  "compute instances "*) kind=instance ;;
  "compute routes "*) kind=route ;;
  "compute firewall-rules "*) kind=firewall ;;
  *) echo "fake gcloud: unexpected $*" >&2; exit 2 ;;
esac
case "$*" in
  *" list "*) cat "$d/$kind.json" 2>/dev/null || echo '[]' ;;
  *" delete "*) rm -f "$d/$kind.json" ;;
esac
`;

let dir: string;
const savedPath = process.env.PATH;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcp-fake-'));
  await writeFile(join(dir, 'gcloud'), FAKE_GCLOUD);
  await chmod(join(dir, 'gcloud'), 0o755);
  process.env.PATH = `${dir}${delimiter}${savedPath}`;
  process.env.FAKE_GCLOUD_DIR = dir;
});

afterEach(async () => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_GCLOUD_ACCOUNT;
  await rm(dir, { recursive: true, force: true });
});

const provider = () => new GcpProvider({ CLOUDSDK_CORE_PROJECT: 'proj-1', CLOUDSDK_COMPUTE_ZONE: 'us-east1-c', PATH: process.env.PATH });
const calls = async (): Promise<string[]> => (await readFile(join(dir, 'log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
const zone = 'https://www.googleapis.com/compute/v1/projects/proj-1/zones/us-east1-c';
const region = 'https://www.googleapis.com/compute/v1/projects/proj-1/regions/us-east1';

async function seedCluster(owner = formatController(thisController())): Promise<void> {
  const meta = { items: [{ key: 'cni-lab-state', value: '/tmp/s/state.json' }, { key: 'ssh-keys', value: 'cnilab:ssh-ed25519 AAAA' }, { key: 'cni-lab-owner', value: owner }] };
  await writeFile(join(dir, 'instance.json'), JSON.stringify([
    { name: 'cni-lab-lab-my-k8s-master', status: 'RUNNING', zone, labels: { 'cni-lab-cluster': 'lab' }, metadata: meta },
    { name: 'cni-lab-lab-echo', status: 'RUNNING', zone, labels: { 'cni-lab-cluster': 'lab' }, metadata: meta },
  ]));
  await writeFile(join(dir, 'route.json'), JSON.stringify([{ name: 'cni-lab-lab-pods-my-k8s-master', description: 'cni-lab-cluster=lab' }]));
  await writeFile(join(dir, 'firewall.json'), JSON.stringify([{ name: 'cni-lab-lab-ssh', description: 'cni-lab-cluster=lab' }]));
  await writeFile(join(dir, 'subnet.json'), JSON.stringify([{ name: 'cni-lab-lab-hosts', description: 'cni-lab-cluster=lab', region }]));
  await writeFile(join(dir, 'network.json'), JSON.stringify([{ name: 'cni-lab-lab', description: 'cni-lab-cluster=lab' }]));
}

describe('GcpProvider against a stand-in gcloud', () => {
  it('lists the leftovers and the recorded state path', async () => {
    await seedCluster();
    expect(await provider().leftovers('lab')).toEqual([
      'route cni-lab-lab-pods-my-k8s-master', 'instance cni-lab-lab-my-k8s-master (RUNNING)', 'instance cni-lab-lab-echo (RUNNING)',
      'firewall cni-lab-lab-ssh', 'subnet cni-lab-lab-hosts', 'network cni-lab-lab',
    ]);
    expect(await provider().statePathOf('lab')).toBe('/tmp/s/state.json');
    expect(await provider().leftovers('other')).toEqual([]);
  });

  it("refuses another machine's cluster of the same name (a shared project, everyone's default \"lab\"), naming it and the way to delete it from here", async () => {
    await seedCluster('alices-laptop/ffffeeee');
    await expect(provider().statePathOf('lab')).rejects.toThrow(
      'cluster lab in project proj-1 was brought up from another machine, alices-laptop (state file /tmp/s/state.json there; VM cni-lab-lab-my-k8s-master): ' +
        'run `./cluster.sh down` there, or give this cluster another --name. To delete it from here: `./cluster.sh down --provider gcp --project proj-1 --name lab`',
    );
    expect((await calls()).filter((c) => c.includes(' delete '))).toEqual([]);
  });

  it('deletes in dependency order, and a second delete finds nothing and deletes nothing', async () => {
    await seedCluster();
    await provider().delete('lab', silentProgress());
    expect((await calls()).filter((c) => c.includes(' delete '))).toEqual([
      'compute routes delete cni-lab-lab-pods-my-k8s-master --quiet --project=proj-1',
      'compute instances delete cni-lab-lab-my-k8s-master cni-lab-lab-echo --zone=us-east1-c --quiet --project=proj-1',
      'compute firewall-rules delete cni-lab-lab-ssh --quiet --project=proj-1',
      'compute networks subnets delete cni-lab-lab-hosts --region=us-east1 --quiet --project=proj-1',
      'compute networks delete cni-lab-lab --quiet --project=proj-1',
    ]);
    await rm(join(dir, 'log'));
    await provider().delete('lab', silentProgress());
    expect((await calls()).filter((c) => c.includes(' delete '))).toEqual([]);
    expect(await provider().leftovers('lab')).toEqual([]);
  });
});

describe('GcpProvider.forget', () => {
  it('removes the kubeconfig and the key pair that the state names, and nothing else beside them', async () => {
    const files = ['kubeconfig', 'gcp-ssh-key', 'gcp-ssh-key.pub', 'state.json', 'notes.txt'];
    for (const f of files) await writeFile(join(dir, f), 'x');
    const state = { providerDetails: { kubeconfig: join(dir, 'kubeconfig'), sshKey: join(dir, 'gcp-ssh-key') } } as unknown as ClusterState;
    expect(await provider().forget(state)).toEqual([join(dir, 'kubeconfig'), join(dir, 'gcp-ssh-key'), join(dir, 'gcp-ssh-key.pub')]);
    expect((await readdir(dir)).filter((f) => files.includes(f)).sort()).toEqual(['notes.txt', 'state.json']);
  });
});

describe('gcp prerequisites', () => {
  it('without gcloud on PATH: names the Google Cloud CLI and gcloud auth login', async () => {
    // Only an empty directory: this machine may have a real gcloud in /usr/bin, never run here.
    const empty = await mkdtemp(join(tmpdir(), 'gcp-empty-'));
    const err = await checkGcpPrerequisites(empty).catch((e: unknown) => e);
    await rm(empty, { recursive: true });
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect((err as Error).message).toMatch(/gcloud not found on PATH: install the Google Cloud CLI .*gcloud auth login/);
  });

  it('with gcloud but no active account: names gcloud auth login', async () => {
    await expect(checkGcpPrerequisites(process.env.PATH)).rejects.toThrow(/no active account: run `gcloud auth login`/);
    process.env.FAKE_GCLOUD_ACCOUNT = 'me@example.com';
    await expect(checkGcpPrerequisites(process.env.PATH)).resolves.toBeUndefined();
  });

  it('without a project: a usage error before anything runs', async () => {
    const err = await new GcpProvider({ PATH: process.env.PATH }).checkPrerequisites().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(await calls()).toEqual([]);
  });
});
