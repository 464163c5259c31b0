import { describe, expect, it } from 'vitest';
import { cellFor } from './test-cells.ts';
import { judge } from './judge.ts';
import { parseNping } from './nping-output.ts';

// Real nping 0.7.93 echo-client output, captured on this machine.
const TCP = `
Starting Nping 0.7.93 ( https://nmap.org/nping ) at 2026-12-03 16:21 UTC
SENT (0.0547s) TCP 10.9.0.1:27646 > 10.9.0.2:80 S ttl=64 id=41493 iplen=40  seq=3868447511 win=1480
RCVD (0.0549s) TCP 10.9.0.2:80 > 10.9.0.1:27646 RA ttl=64 id=0 iplen=40  seq=0 win=0
CAPT (0.0599s) TCP 10.9.0.1:27646 > 10.9.0.2:80 S ttl=64 id=41493 iplen=40  seq=3868447511 win=1480

Max rtt: 0.019ms | Min rtt: 0.019ms | Avg rtt: 0.019ms
Raw packets sent: 1 (40B) | Rcvd: 1 (40B) | Lost: 0 (0.00%)| Echoed: 1 (40B)
Nping done: 1 IP address pinged in 1.09 seconds`;
const ICMP = `SENT (0.9656s) ICMP [10.0.0.3 > 198.51.100.10 Echo request (type=8/code=0) id=38694 seq=1] IP [ttl=64 id=4931 iplen=28 ]
CAPT (0.9828s) ICMP [10.0.0.3 > 198.51.100.10 Echo request (type=8/code=0) id=38694 seq=1] IP [ttl=63 id=4931 iplen=28 ]
RCVD (0.9659s) ICMP [198.51.100.10 > 200.200.1.2 Echo reply (type=0/code=0) id=38694 seq=1] IP [ttl=63 id=12898 iplen=28 ]`;
const LOST = `SENT (0.0500s) UDP 200.200.1.2:53 > 200.200.2.2:53 ttl=64 id=1 iplen=28
Max rtt: N/A | Min rtt: N/A | Avg rtt: N/A
Raw packets sent: 1 (28B) | Rcvd: 0 (0B) | Lost: 1 (100.00%)| Echoed: 0 (0B)`;

describe('parseNping', () => {
  it('reads the source the receiver captured and the round trip', () => {
    expect(parseNping(TCP)).toEqual({ reached: true, sourceSeen: '10.9.0.1', rttMs: 0.2, lines: [expect.stringMatching(/^SENT/), expect.stringMatching(/^RCVD/), expect.stringMatching(/^CAPT/)] });
  });

  it('reads ICMP lines, where the source follows a bracket', () => {
    expect(parseNping(ICMP)).toMatchObject({ reached: true, sourceSeen: '10.0.0.3', rttMs: 0.3 });
  });

  it('reports a probe nobody captured as not reached', () => {
    expect(parseNping(LOST)).toEqual({ reached: false, lines: [expect.stringMatching(/^SENT/)] });
  });
});

describe('judge', () => {
  it('passes when the receiver saw an expected source', () => {
    expect(judge(cellFor({ expectedSources: ['10.0.0.3'] }), parseNping(ICMP)).verdict).toBe('passed');
  });

  it('fails, naming both addresses, when the source was translated', () => {
    const j = judge(cellFor({ expectedSources: ['200.200.1.2'] }), parseNping(ICMP));
    expect(j).toEqual({ verdict: 'failed', reason: 'the receiver saw source 10.0.0.3, expected client-pod-ip (200.200.1.2)' });
  });

  it('fails when nothing arrived, and passes that when no delivery was expected', () => {
    expect(judge(cellFor({}), parseNping(LOST)).reason).toBe('pod-2 (200.200.2.2) never captured the probe');
    expect(judge(cellFor({ expect: { reach: false } }), parseNping(LOST)).verdict).toBe('passed');
    expect(judge(cellFor({ expect: { reach: false } }), parseNping(TCP)).verdict).toBe('failed');
  });
});
