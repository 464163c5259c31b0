import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { MachineStartError, tail } from '../../errors.ts';
import { LABEL_MACHINE, LABEL_STATE, labels, type LabRole } from './names.ts';

export interface Attachment {
  /** The docker network name. */
  network: string;
  ip: string;
}

export interface LabContainerSpec {
  cluster: string;
  /** The state file of the cluster, as a label: see CreateOptions. */
  statePath: string;
  role: LabRole;
  name: string;
  hostname: string;
  image: string;
  /** The first attachment is made at create time, the others before start. */
  attachments: [Attachment, ...Attachment[]];
  env?: Record<string, string>;
  extraHosts?: { host: string; ipAddress: string }[];
}

/**
 * A lab machine: an unprivileged container that may still do networking and run podman.
 * --privileged is refused on this machine, so: the capabilities, apparmor and seccomp
 * unconfined, the host's cgroups writable for podman, and /proc/sys remounted rw by the
 * init script. testcontainers has no option for a fixed IP address, hence the two hooks.
 */
export class LabContainer extends GenericContainer {
  /** The machine's output so far: testcontainers removes a container that fails its wait. */
  readonly log: string[] = [];

  constructor(private readonly spec: LabContainerSpec) {
    super(spec.image);
    const [first] = spec.attachments;
    this.withName(spec.name)
      .withHostname(spec.hostname)
      .withLabels({ ...labels(spec.cluster, spec.role), [LABEL_MACHINE]: spec.hostname, [LABEL_STATE]: spec.statePath })
      .withAddedCapabilities('NET_ADMIN', 'SYS_ADMIN', 'NET_RAW')
      .withSecurityOpt('apparmor=unconfined', 'seccomp=unconfined')
      .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' }])
      .withEnvironment(spec.env ?? {})
      .withExtraHosts(spec.extraHosts ?? [])
      .withNetworkMode(first.network)
      .withWaitStrategy(Wait.forLogMessage('cni-lab: container ready'))
      .withStartupTimeout(30_000)
      .withLogConsumer((stream) => stream.on('data', (chunk: Buffer | string) => this.log.push(chunk.toString())));
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [first.network]: { IPAMConfig: { IPv4Address: first.ip } } },
    };
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(containerId);
    for (const a of this.spec.attachments.slice(1)) {
      await client.network.getById(a.network).connect({
        Container: container.id,
        EndpointConfig: { IPAMConfig: { IPv4Address: a.ip } },
      });
    }
  }
}

/** Starts the machine; a failure names it and carries its last log lines (the init script's errors). */
export async function startLabContainer(spec: LabContainerSpec): Promise<StartedTestContainer> {
  const container = new LabContainer(spec);
  try {
    return await container.start();
  } catch (e) {
    throw new MachineStartError(spec.hostname, (e as Error).message, tail(container.log.join(''), 10), { cause: e });
  }
}
