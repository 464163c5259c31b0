import { describe, expect, it } from 'vitest';
import { parseEvents, podsFromPodman, podStatus, setupError } from './podman-pods.ts';

// Shapes as podman 4.3 printed them on a lab node (trimmed to the fields used).
const PODS = [
  {
    Name: 'pod-1', Status: 'Running', InfraId: 'aaa', Networks: ['my-cni-plugin'],
    Containers: [{ Id: 'aaa', Names: '4df8131f3380-infra', Status: 'running' }, { Id: 'bbb', Names: 'pod-1-nping', Status: 'running' }],
  },
  {
    Name: 'pod-3', Status: 'Created', InfraId: 'ccc', Networks: ['my-cni-plugin'],
    Containers: [{ Id: 'ccc', Names: '0622739b4b5a-infra', Status: 'created' }, { Id: 'ddd', Names: 'pod-3-nping', Status: 'created' }],
  },
];
const INFRAS = [
  { Id: 'aaa', NetworkSettings: { Networks: { 'my-cni-plugin': { IPAddress: '200.200.1.2' } }, SandboxKey: '/run/netns/netns-1b2c' } },
  { Id: 'ccc', NetworkSettings: { Networks: { 'my-cni-plugin': { IPAddress: '' } } } },
];
const KUBE_PLAY_ERR = `time="2026-12-03T16:40:35Z" level=warning msg="Failed to load cached network config"
starting container c1b55d1e646e: plugin type="my-cni-plugin" name="my-cni-plugin" failed (add): cni plugin my-cni-plugin failed: IPAM plugin "no-such-ipam" not found on CNI_PATH (/opt/cni/bin:/usr/lib/cni): install it there or fix "ipam.type"
starting container de6083314b5a: a dependency of container de6083314b5a failed to start: container state improper
Error: failed to start 2 containers
`;

describe('pods from podman', () => {
  it("takes each pod's IP and network namespace from its infra container and lists its other containers", () => {
    const pods = podsFromPodman({ name: 'my-k8s-worker-1', ip: '10.0.0.3' }, PODS, INFRAS, new Map());
    expect(pods).toEqual([
      { name: 'pod-1', status: 'Running', ip: '200.200.1.2', node: 'my-k8s-worker-1', nodeIp: '10.0.0.3', containers: ['pod-1-nping'], netns: '/run/netns/netns-1b2c' },
      { name: 'pod-3', status: 'ContainerCreating', node: 'my-k8s-worker-1', nodeIp: '10.0.0.3', containers: ['pod-3-nping'] },
    ]);
  });

  it('shows the CNI error of a pod whose network setup failed, as kubelet would', () => {
    const message = setupError(KUBE_PLAY_ERR);
    expect(message).toBe(
      'plugin type="my-cni-plugin" name="my-cni-plugin" failed (add): cni plugin my-cni-plugin failed: IPAM plugin "no-such-ipam" not found on CNI_PATH (/opt/cni/bin:/usr/lib/cni): install it there or fix "ipam.type"',
    );
    const [, pod3] = podsFromPodman({ name: 'w', ip: '1' }, PODS, INFRAS, new Map([['pod-3', message]]));
    expect(pod3).toMatchObject({ status: 'FailedCreatePodSandBox', message });
    expect(setupError('Error: no such image\n')).toBe('Error: no such image');
  });

  it('maps podman states to kubectl words', () => {
    expect(['Running', 'Created', 'Exited', 'Degraded'].map((s) => podStatus(s, false))).toEqual(['Running', 'ContainerCreating', 'Completed', 'Degraded']);
    expect(podStatus('Running', true)).toBe('Running');
  });

  it('reads the event files of a node', () => {
    expect(parseEvents('/var/lib/cni-lab/pods/pod-3.event:plugin failed: x: y\n')).toEqual(new Map([['pod-3', 'plugin failed: x: y']]));
  });
});
