import type { Cell } from './expand.ts';
import type { Observation } from './nping-output.ts';

export type Verdict = 'passed' | 'failed';

export interface Judgement {
  verdict: Verdict;
  /** One sentence a person reads in the report: what was expected, what was seen. */
  reason: string;
}

/** Compares one observation with the cell's expectation. */
export function judge(cell: Cell, obs: Observation): Judgement {
  const { expect } = cell;
  if (!expect.reach) {
    return obs.reached
      ? { verdict: 'failed', reason: `expected no delivery, but ${cell.destination.name} captured the probe from ${obs.sourceSeen ?? '?'}` }
      : { verdict: 'passed', reason: 'not delivered, as expected' };
  }
  if (!obs.reached) return { verdict: 'failed', reason: `${cell.destination.name} (${cell.destination.ip}) never captured the probe` };
  if (!obs.sourceSeen) return { verdict: 'failed', reason: 'the probe arrived, but its source could not be read from the CAPT line' };
  if (!cell.expectedSources.includes(obs.sourceSeen)) {
    return {
      verdict: 'failed',
      reason: `the receiver saw source ${obs.sourceSeen}, expected ${expect.source} (${cell.expectedSources.join(' or ') || 'unknown'})`,
    };
  }
  return { verdict: 'passed', reason: `reached; the receiver saw ${obs.sourceSeen} (${expect.source})` };
}
