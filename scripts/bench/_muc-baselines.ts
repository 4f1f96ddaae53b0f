// The muc bench's baselines, on the same server and component in the same run: a bare session (XmppSession,
// nothing else) receiving what Parley's engine receives, so the ratios show our share and not the server's.
import { openRawSession } from '../../e2e/harness/raw-session.ts';
import { BIG_ROOM, FLOOD, floodBody, floodPrefix, type MucBenchSetup } from './_muc-browser.ts';
import { epochNow, occupantPresence, roomFlood } from './_muc-room.ts';
import { cpuWindow, trace, tracing } from './_muc-trace.ts';

/** A bare session receiving the same flood of room lines from the component: msg/s. */
export async function baselineFloodRun(
  setup: MucBenchSetup,
  run: number,
  streamManagement = false,
): Promise<number> {
  const acc = { jid: `flood-baseline@${setup.server.domain}`, password: 'flood-baseline-password' };
  await setup.server.register('flood-baseline', acc.password).catch(() => undefined);
  const raw = await openRawSession(setup.server, acc, 'bench', { streamManagement });
  try {
    const prefix = `base ${floodPrefix(run)}`;
    let seen = 0;
    let doneAt = 0;
    const done = new Promise<void>((resolve) => {
      raw.session.on('stanza', (s) => {
        if (s.is('message') && s.getChildText('body')?.startsWith(prefix) && ++seen === FLOOD) {
          doneAt = epochNow();
          resolve();
        }
      });
    });
    const room = `base${run}@${setup.component.domain}`;
    const lines = roomFlood(room, raw.session.jid, 'b', BIG_ROOM, FLOOD, (n) => `base ${floodBody(run, n)}`);
    const cpu = tracing ? cpuWindow(setup.server.pidFile) : null;
    const start = epochNow();
    await setup.component.sendAll(lines, 100);
    const writtenAt = epochNow();
    await withTimeout(done, () => `the bare session saw ${seen} of ${FLOOD} lines`);
    if (cpu)
      trace(`baseline flood ${run}${streamManagement ? ' (XEP-0198 on)' : ''}`, {
        ...cpu.end(),
        componentWroteMs: Math.round(writtenAt - start),
        doneMs: Math.round(doneAt - start),
      });
    return FLOOD / ((doneAt - start) / 1000);
  } finally {
    await raw.session.close();
  }
}

/**
 * The server's share of the join: a bare session receiving a room's 5,000 occupant presences from the
 * component; ms from the component's last write to the last presence received.
 */
export async function baselinePresenceRun(setup: MucBenchSetup, run: number): Promise<number> {
  const acc = { jid: `presence-baseline@${setup.server.domain}`, password: 'presence-baseline-password' };
  await setup.server.register('presence-baseline', acc.password).catch(() => undefined);
  const raw = await openRawSession(setup.server, acc, 'bench');
  try {
    const room = `presence${run}@${setup.component.domain}`;
    let seen = 0;
    let doneAt = 0;
    const done = new Promise<void>((resolve) => {
      raw.session.on('stanza', (s) => {
        if (s.is('presence') && s.attrs.from?.startsWith(`${room}/`) && ++seen === BIG_ROOM) {
          doneAt = epochNow();
          resolve();
        }
      });
    });
    const to = raw.session.jid;
    await setup.component.sendAll(
      Array.from({ length: BIG_ROOM }, (_, i) => occupantPresence(room, to, `b${i}`)),
      200,
    );
    const lastWrittenAt = epochNow();
    await withTimeout(done, () => `the bare session saw ${seen} of ${BIG_ROOM} presences`);
    return doneAt - lastWrittenAt;
  } finally {
    await raw.session.close();
  }
}

async function withTimeout(promise: Promise<void>, what: () => string, ms = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what())), ms);
  });
  await Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
