import { hostExec } from '../../host-exec.ts';
import { LABEL_STATE, clusterFilter } from './names.ts';

/**
 * Ids of every container of the cluster, running or not, found by label only. Through the
 * docker CLI because testcontainers lists running containers only, and `down` must also find
 * the created-but-never-started ones that a killed `up` leaves.
 */
export async function listContainers(cluster: string): Promise<{ id: string; name: string; state: string; statePath: string }[]> {
  const res = await hostExec(
    ['docker', 'ps', '--all', '--no-trunc', '--format', `{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label "${LABEL_STATE}"}}`, ...clusterFilter(cluster)],
    { what: 'list lab containers' },
  );
  return res.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = '', state = '', statePath = ''] = line.split('\t');
      return { id, name, state, statePath };
    });
}

export async function removeContainers(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await hostExec(['docker', 'rm', '--force', '--volumes', ...ids], { what: 'remove lab containers' });
}
