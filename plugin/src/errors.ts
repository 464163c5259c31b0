/** CNI error codes (SPEC "Error" section). 0-99 are the spec's, 100+ are ours. */
export const ErrorCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IoFailure: 5,
  DecodeFailure: 6,
  InvalidConfig: 7,
  TryAgainLater: 11,
  NotAvailable: 50,
  NotAvailableLimitedConnectivity: 51,
  /** A datapath command (ip, iptables, nsenter) failed. */
  CommandFailed: 100,
  /** ADD found the interface already present in the container. */
  InterfaceExists: 101,
  /** CHECK found the attachment different from its ADD result. */
  CheckFailed: 102,
} as const;

/** A failure the plugin reports to the runtime as spec error JSON on stdout. */
export class CniError extends Error {
  constructor(
    readonly code: number,
    msg: string,
    readonly details?: string,
    options?: { cause?: unknown },
  ) {
    super(msg, options);
    this.name = 'CniError';
  }

  toJSON(cniVersion: string): Record<string, unknown> {
    const out: Record<string, unknown> = { cniVersion, code: this.code, msg: this.message };
    if (this.details) out.details = this.details;
    return out;
  }
}
