import { Clock } from '@mda/contracts';
import { Admission, HostGate, receiverHost } from './host-gate';

class ManualClock extends Clock {
  ms = 1_000_000;
  now(): Date {
    return new Date(this.ms);
  }
}

const release = (a: Admission) => {
  if (!a.admitted) throw new Error(`expected admission, got ${a.reason}`);
  a.release();
};

describe('HostGate', () => {
  it('holds at most perHost deliveries of one host; other hosts are not affected', () => {
    const gate = new HostGate(2, new ManualClock());
    const a1 = gate.enter('slow.example', 'req_1', 'e1');
    const a2 = gate.enter('slow.example', 'req_2', 'e2');
    expect([a1.admitted, a2.admitted]).toEqual([true, true]);
    expect(gate.enter('slow.example', 'req_3', 'e3')).toEqual({ admitted: false, reason: 'host_busy' });
    expect(gate.enter('fast.example', 'req_4', 'e4').admitted).toBe(true);
    expect(gate.inUse('slow.example')).toBe(2);
    release(a1);
    expect(gate.inUse('slow.example')).toBe(1);
    // the parked one is let in when it comes back and its host has room
    expect(gate.enter('slow.example', 'req_3', 'e3').admitted).toBe(true);
    expect(gate.parkedJobs).toBe(0);
  });

  it("parks a job's later events behind its parked one and lets them in in the order they were parked", () => {
    const gate = new HostGate(1, new ManualClock());
    const busy = gate.enter('h', 'req_other', 'x');
    expect(gate.enter('h', 'req_1', 'started')).toEqual({ admitted: false, reason: 'host_busy' });
    release(busy);
    // the host has room now, but the job's started event is still parked: progress waits behind it
    expect(gate.enter('h', 'req_1', 'progress')).toEqual({ admitted: false, reason: 'job_order' });
    expect(gate.enter('h', 'req_1', 'completed')).toEqual({ admitted: false, reason: 'job_order' });
    // progress comes back first (it was parked again later): still not its turn
    expect(gate.enter('h', 'req_1', 'progress')).toEqual({ admitted: false, reason: 'job_order' });
    const started = gate.enter('h', 'req_1', 'started');
    expect(started.admitted).toBe(true);
    // host full again: the head of the line is parked for its host, and keeps its place
    expect(gate.enter('h', 'req_1', 'completed')).toEqual({ admitted: false, reason: 'job_order' });
    expect(gate.enter('h', 'req_1', 'progress')).toEqual({ admitted: false, reason: 'host_busy' });
    release(started);
    expect(gate.enter('h', 'req_1', 'completed')).toEqual({ admitted: false, reason: 'job_order' });
    release(gate.enter('h', 'req_1', 'progress'));
    release(gate.enter('h', 'req_1', 'completed'));
    expect(gate.parkedJobs).toBe(0);
  });

  it('forgets a parked event that another replica took, after forgetAfterMs', () => {
    const clock = new ManualClock();
    const gate = new HostGate(1, clock, 15_000);
    const busy = gate.enter('h', null, 'x');
    expect(gate.enter('h', 'req_1', 'started').admitted).toBe(false);
    release(busy);
    clock.ms += 14_000;
    expect(gate.enter('h', 'req_1', 'progress')).toEqual({ admitted: false, reason: 'job_order' });
    clock.ms += 2_000;
    // started never came back here: after 15 s without it, progress is let in
    expect(gate.enter('h', 'req_1', 'progress').admitted).toBe(true);
  });

  it('forgets jobs whose parked events never came back here, even if the job sends nothing more', () => {
    const clock = new ManualClock();
    const gate = new HostGate(1, clock, 15_000);
    const busy = gate.enter('h', null, 'x');
    for (let i = 0; i < 5; i++) expect(gate.enter('h', `req_${i}`, `e${i}`).admitted).toBe(false);
    expect(gate.parkedJobs).toBe(5);
    release(busy);
    clock.ms += 16_000;
    gate.enter('other', null, 'y');
    expect(gate.parkedJobs).toBe(0);
  });

  it('deliveries without a job (batch.completed) are capped by host but never ordered', () => {
    const gate = new HostGate(1, new ManualClock());
    const a = gate.enter('h', null, 'b1');
    expect(gate.enter('h', null, 'b2')).toEqual({ admitted: false, reason: 'host_busy' });
    release(a);
    expect(gate.enter('h', null, 'b2').admitted).toBe(true);
    expect(gate.parkedJobs).toBe(0);
  });

  it('names a receiver by its hostname', () => {
    expect(receiverHost('https://Hooks.Example:8443/a?b=1')).toBe('hooks.example');
    expect(receiverHost('http://127.0.0.2:9000/x')).toBe('127.0.0.2');
  });
});
