import type { Cell } from '../matrix/expand.ts';
import type { Observation } from '../matrix/nping-output.ts';

export type CellStatus = 'passed' | 'failed' | 'flaky' | 'skipped';

/** One cell as the report shows it: the cell, its outcome, and the evidence. */
export interface CellResult {
  cell: Cell;
  status: CellStatus;
  /** Why it passed, failed or was skipped, in one sentence. */
  reason: string;
  /** How many probes it took (more than one means flaky or failed). */
  attempts: number;
  observation?: Observation;
  /** The probe command and its whole output, for the raw view. */
  command?: string;
  raw?: string;
}

export interface RunInfo {
  title: string;
  provider: string;
  plugin: string;
  /** The config template (absent in runs kept before it was recorded). */
  config?: string;
  /** Which cells the run was asked for: the scenario filter and the worker count (runs compare only within one scope). */
  scope?: string;
  startedAt: string;
  durationMs: number;
}
