import { describe, expect, it } from 'vitest';
import { clusterResources, deleteSteps, expectedResources, KINDS, listArgv } from './delete-plan.ts';
import { gcpSettings } from './settings.ts';

const s = gcpSettings({ CLOUDSDK_CORE_PROJECT: 'proj-1', CLOUDSDK_COMPUTE_ZONE: 'us-east1-c' });
const api = 'https://www.googleapis.com/compute/v1/projects/proj-1';

// Shaped like `gcloud compute instances list --format=json`: the cluster's VMs in two zones,
// cluster lab-2's VM (a longer name with the same prefix) and someone else's.
const instancesJson = JSON.stringify([
  { name: 'cni-lab-lab-my-k8s-master', status: 'RUNNING', zone: `${api}/zones/us-east1-c`, labels: { 'cni-lab-cluster': 'lab', 'cni-lab-role': 'control-plane' } },
  { name: 'cni-lab-lab-echo', status: 'TERMINATED', zone: `${api}/zones/us-east1-c`, labels: { 'cni-lab-cluster': 'lab' } },
  { name: 'cni-lab-lab-my-k8s-worker-1', status: 'RUNNING', zone: `${api}/zones/us-east1-b`, labels: { 'cni-lab-cluster': 'lab' } },
  { name: 'cni-lab-lab-2-my-k8s-master', status: 'RUNNING', zone: `${api}/zones/us-east1-c`, labels: { 'cni-lab-cluster': 'lab-2' } },
  { name: 'web-1', status: 'RUNNING', zone: `${api}/zones/us-east1-c` },
]);
const routesJson = JSON.stringify([
  { name: 'cni-lab-lab-pods-my-k8s-master', description: 'cni-lab-cluster=lab', destRange: '200.200.0.0/24' },
  { name: 'cni-lab-lab-2-pods-my-k8s-master', description: 'cni-lab-cluster=lab-2' },
  { name: 'cni-lab-lab-manual', description: 'made by hand' },
]);
const subnetsJson = JSON.stringify([
  { name: 'cni-lab-lab-hosts', description: 'cni-lab-cluster=lab', region: `${api}/regions/us-east1` },
  { name: 'cni-lab-lab-outside', description: 'cni-lab-cluster=lab', region: `${api}/regions/us-east1` },
  { name: 'cni-lab-lab-2-hosts', description: 'cni-lab-cluster=lab-2', region: `${api}/regions/us-east1` },
]);
const firewallJson = JSON.stringify([{ name: 'cni-lab-lab-ssh', description: 'cni-lab-cluster=lab' }, { name: 'cni-lab-lab-internal', description: 'cni-lab-cluster=lab' }]);
const networksJson = JSON.stringify([{ name: 'cni-lab-lab', description: 'cni-lab-cluster=lab' }, { name: 'cni-lab-lab-2', description: 'cni-lab-cluster=lab-2' }]);

describe('down: what it lists and deletes', () => {
  it('lists VMs by label and the rest by name prefix, as JSON, in the project', () => {
    expect(listArgv('instance', 'lab', s)).toEqual(['gcloud', 'compute', 'instances', 'list', '--filter=labels.cni-lab-cluster=lab', '--format=json', '--project=proj-1']);
    expect(listArgv('subnet', 'lab', s)).toEqual(['gcloud', 'compute', 'networks', 'subnets', 'list', '--filter=name ~ ^cni-lab-lab', '--format=json', '--project=proj-1']);
  });

  it('keeps only the cluster\'s own resources, exactly by label or description', () => {
    expect(clusterResources('instance', 'lab', instancesJson).map((r) => [r.name, r.zone])).toEqual([
      ['cni-lab-lab-my-k8s-master', 'us-east1-c'], ['cni-lab-lab-echo', 'us-east1-c'], ['cni-lab-lab-my-k8s-worker-1', 'us-east1-b'],
    ]);
    expect(clusterResources('route', 'lab', routesJson).map((r) => r.name)).toEqual(['cni-lab-lab-pods-my-k8s-master']);
    expect(clusterResources('route', 'lab-2', routesJson).map((r) => r.name)).toEqual(['cni-lab-lab-2-pods-my-k8s-master']);
    expect(clusterResources('subnet', 'lab', subnetsJson).map((r) => [r.name, r.region])).toEqual([['cni-lab-lab-hosts', 'us-east1'], ['cni-lab-lab-outside', 'us-east1']]);
    expect(clusterResources('network', 'lab', '')).toEqual([]);
  });

  it('deletes routes, VMs (per zone), firewall rules, subnets (per region), then the network, without prompting', () => {
    const json = { route: routesJson, instance: instancesJson, firewall: firewallJson, subnet: subnetsJson, network: networksJson };
    const found = KINDS.flatMap((k) => clusterResources(k, 'lab', json[k]));
    expect(deleteSteps(found, s).map((x) => x.argv.join(' '))).toEqual([
      'gcloud compute routes delete cni-lab-lab-pods-my-k8s-master --quiet --project=proj-1',
      'gcloud compute instances delete cni-lab-lab-my-k8s-master cni-lab-lab-echo --zone=us-east1-c --quiet --project=proj-1',
      'gcloud compute instances delete cni-lab-lab-my-k8s-worker-1 --zone=us-east1-b --quiet --project=proj-1',
      'gcloud compute firewall-rules delete cni-lab-lab-ssh cni-lab-lab-internal --quiet --project=proj-1',
      'gcloud compute networks subnets delete cni-lab-lab-hosts cni-lab-lab-outside --region=us-east1 --quiet --project=proj-1',
      'gcloud compute networks delete cni-lab-lab --quiet --project=proj-1',
    ]);
  });

  it('deletes nothing when nothing is left (a second down)', () => {
    const found = KINDS.flatMap((k) => clusterResources(k, 'lab', '[]'));
    expect(deleteSteps(found, s)).toEqual([]);
  });

  it('expects, for dry-run, exactly what up makes', () => {
    const r = expectedResources('lab', ['my-k8s-master', 'my-k8s-worker-1'], s);
    expect(r.filter((x) => x.kind === 'instance').map((x) => x.name)).toEqual(['cni-lab-lab-my-k8s-master', 'cni-lab-lab-my-k8s-worker-1', 'cni-lab-lab-echo']);
    expect(r.filter((x) => x.kind === 'route').map((x) => x.name)).toEqual(['cni-lab-lab-pods-my-k8s-master', 'cni-lab-lab-pods-my-k8s-worker-1']);
    expect(r.filter((x) => x.kind === 'subnet').every((x) => x.region === 'us-east1')).toBe(true);
  });
});
