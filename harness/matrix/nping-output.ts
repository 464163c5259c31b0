/** What one nping echo-mode probe showed. */
export interface Observation {
  /** The echo server captured the probe (a CAPT line): the packet arrived. */
  reached: boolean;
  /** The source address in the CAPT line: what the receiver saw, after any NAT. */
  sourceSeen?: string;
  /** Round trip of the RCVD reply, if one came back. */
  rttMs?: number;
  /** The SENT/CAPT/RCVD lines, for the report. */
  lines: string[];
}

const LINE = /^(SENT|CAPT|RCVD) \((\d+(?:\.\d+)?)s\) (.*)$/;
const IPV4 = '(\\d{1,3}(?:\\.\\d{1,3}){3})';
/** TCP/UDP lines: "TCP 10.0.0.3:1234 > ..."; ICMP: "ICMP [10.0.0.3 > ...". */
const SOURCE = new RegExp(`^(?:TCP|UDP) ${IPV4}:\\d+ >|^ICMP \\[${IPV4} >`);

/**
 * Parses the output of `nping --echo-client`. The CAPT line is the packet as the echo
 * server captured it, so its source is the address the receiver saw.
 */
export function parseNping(output: string): Observation {
  const lines: string[] = [];
  let sent: number | undefined;
  let rcvd: number | undefined;
  let sourceSeen: string | undefined;
  let captured = false;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const m = LINE.exec(line);
    if (!m) continue;
    lines.push(line);
    const [, kind, time, rest] = m as unknown as [string, string, string, string];
    if (kind === 'SENT' && sent === undefined) sent = Number(time);
    if (kind === 'RCVD' && rcvd === undefined) rcvd = Number(time);
    if (kind === 'CAPT' && !captured) {
      captured = true;
      const s = SOURCE.exec(rest);
      sourceSeen = s?.[1] ?? s?.[2];
    }
  }
  const obs: Observation = { reached: captured, lines };
  if (sourceSeen) obs.sourceSeen = sourceSeen;
  if (sent !== undefined && rcvd !== undefined && rcvd >= sent) obs.rttMs = Math.round((rcvd - sent) * 1e6) / 1e3;
  return obs;
}
