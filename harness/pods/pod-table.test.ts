import { describe, expect, it } from 'vitest';
import { podTable } from './pod-table.ts';

describe('get pods -o wide', () => {
  it('prints NAME, STATUS, IP, NODE, NODE_IP sorted by name, <none> for what is not there, and the reason of a failed pod', () => {
    const table = podTable([
      { name: 'pod-2', status: 'Running', ip: '200.200.2.2', node: 'my-k8s-worker-2', nodeIp: '10.0.0.4', containers: [] },
      {
        name: 'pod-1', status: 'FailedCreatePodSandBox', node: 'my-k8s-worker-1', nodeIp: '10.0.0.3', containers: [],
        message: 'plugin type="my-cni-plugin" failed (add): IPAM plugin "x" not found',
      },
    ]);
    expect(table.split('\n')).toEqual([
      'NAME   STATUS                  IP           NODE             NODE_IP',
      'pod-1  FailedCreatePodSandBox  <none>       my-k8s-worker-1  10.0.0.3',
      'pod-2  Running                 200.200.2.2  my-k8s-worker-2  10.0.0.4',
      'Events:',
      '  pod-1: plugin type="my-cni-plugin" failed (add): IPAM plugin "x" not found',
    ]);
  });

  it('prints the header alone when there are no pods', () => {
    expect(podTable([])).toBe('NAME  STATUS  IP  NODE  NODE_IP');
  });
});
