import { PrerequisiteError } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';
import { onPath } from '../docker/prerequisites.ts';

const INSTALL = 'install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install), then run `gcloud auth login`';

/** gcloud on PATH, with an active account; the first thing missing is thrown, naming the fix. */
export async function checkGcpPrerequisites(path = process.env.PATH ?? ''): Promise<void> {
  if (!(await onPath('gcloud', path))) throw new PrerequisiteError('gcloud not found on PATH', INSTALL);
  // `gcloud auth list` prints the credentialed accounts; the active one is marked ACTIVE.
  const auth = await hostExec(['gcloud', 'auth', 'list', '--filter=status:ACTIVE', '--format=value(account)'], { what: 'ask gcloud for its account', allowFailure: true });
  if (auth.exitCode !== 0 || auth.stdout.trim() === '') {
    throw new PrerequisiteError('gcloud has no active account', 'run `gcloud auth login` (or `gcloud auth activate-service-account --key-file KEY.json`)');
  }
}
