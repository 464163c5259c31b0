import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../host-exec.ts';
import { KubectlRuntime, kubectlArgv, podsFromKubectl } from './kubectl-runtime.ts';

// No Kubernetes API server can run here, so this checks what would be sent to kubectl and how
// its documented JSON is read; it never pretends to be a cluster.
describe('the kubernetes pod runtime', () => {
  const s = { kubeconfig: '/home/me/.kube/config', waitTimeoutS: 90 };

  it('builds the kubectl command of every verb, with the kubeconfig first', () => {
    expect(kubectlArgv.apply(s, '/tmp/x/pods.yaml')).toEqual(['kubectl', '--kubeconfig', '/home/me/.kube/config', 'apply', '-f', '/tmp/x/pods.yaml']);
    expect(kubectlArgv.wait(s, ['pod-1', 'pod-2'])).toEqual([
      'kubectl', '--kubeconfig', '/home/me/.kube/config', 'wait', '--for=condition=Ready', '--timeout=90s', 'pod/pod-1', 'pod/pod-2',
    ]);
    expect(kubectlArgv.exec({}, 'pod-1', ['my-nping', '200.200.2.2'])).toEqual(['kubectl', 'exec', 'pod-1', '--', 'my-nping', '200.200.2.2']);
    expect(kubectlArgv.exec({}, 'pod-1', ['sh'], 'nping')).toEqual(['kubectl', 'exec', 'pod-1', '-c', 'nping', '--', 'sh']);
    expect(kubectlArgv.logs({}, 'pod-1')).toEqual(['kubectl', 'logs', 'pod-1']);
    expect(kubectlArgv.delete({}, ['pod-1'])).toEqual(['kubectl', 'delete', 'pod', '--grace-period=0', '--ignore-not-found', '--wait', 'pod-1']);
    expect(kubectlArgv.list({})).toEqual(['kubectl', 'get', 'pods', '-o', 'json']);
  });

  it("reads kubectl's pods and sandbox events into the same answers as podman's", () => {
    const pods = JSON.stringify({
      items: [
        { metadata: { name: 'pod-1' }, spec: { nodeName: 'w1', containers: [{ name: 'nping' }] }, status: { phase: 'Running', podIP: '200.200.1.2', hostIP: '10.0.0.3' } },
        {
          metadata: { name: 'pod-2' }, spec: { nodeName: 'w2', containers: [{ name: 'nping' }] },
          status: { phase: 'Pending', hostIP: '10.0.0.4', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] },
        },
      ],
    });
    const events = JSON.stringify({ items: [{ involvedObject: { name: 'pod-2' }, message: 'Failed to create pod sandbox: plugin type="my-cni-plugin" failed (add): boom' }] });
    expect(podsFromKubectl(pods, events)).toEqual([
      { name: 'pod-1', status: 'Running', ip: '200.200.1.2', node: 'w1', nodeIp: '10.0.0.3', containers: ['nping'] },
      { name: 'pod-2', status: 'ContainerCreating', node: 'w2', nodeIp: '10.0.0.4', message: 'Failed to create pod sandbox: plugin type="my-cni-plugin" failed (add): boom', containers: ['nping'] },
    ]);
  });

  it('passes exec through to kubectl and returns its exit code', async () => {
    const calls: string[][] = [];
    const rt = new KubectlRuntime({}, async (argv): Promise<ExecResult> => {
      calls.push(argv);
      return { stdout: 'CAPT ...\n', stderr: '', exitCode: 0 };
    });
    expect(await rt.exec('pod-1', ['my-nping', 'echo.nmap.org'])).toEqual({ stdout: 'CAPT ...\n', stderr: '', exitCode: 0 });
    expect(calls).toEqual([['kubectl', 'exec', 'pod-1', '--', 'my-nping', 'echo.nmap.org']]);
  });
});
