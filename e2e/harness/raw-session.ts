// A bare XmppSession of a harness account, for tests of protocol modules below the engine: IQ replies go
// to its IqTrackers, every other stanza is kept and can be waited for.
import type { Element } from '@xmpp/xml';
import { XmppSession } from '../../electron/core/xmpp/session.ts';
import { IqTracker } from '../../electron/core/xmpp/iq-tracker.ts';
import { StreamManagement } from '../../electron/core/xmpp/stream-management.ts';
import type { XmppServer } from './server.ts';
import type { ScenarioAccount } from './scenario.ts';

export interface RawSession {
  session: XmppSession;
  /** Tracks this session's own requests; more trackers can be added to `trackers`. */
  iq: IqTracker;
  trackers: Set<IqTracker>;
  inbox: Element[];
  /** The first stanza (already received or future) matching `pred`. */
  waitFor(pred: (stanza: Element) => boolean, timeoutMs?: number): Promise<Element>;
}

export async function openRawSession(
  server: XmppServer,
  acc: Pick<ScenarioAccount, 'jid' | 'password'>,
  resource: string,
  opts: { streamManagement?: boolean } = {},
): Promise<RawSession> {
  const session = await XmppSession.open({
    ...(opts.streamManagement ? { sm: new StreamManagement(() => undefined) } : {}),
    jid: acc.jid,
    password: acc.password,
    resource,
    host: server.host,
    port: server.c2sPort,
    trust: {
      servername: server.domain,
      pinnedFingerprint256: null,
      extraCertificates: [server.certificate.certPem],
    },
  });
  const iq = new IqTracker((el) => session.send(el), session.jid, 10_000);
  const trackers = new Set([iq]);
  const inbox: Element[] = [];
  const waiters = new Set<{ pred: (s: Element) => boolean; resolve: (s: Element) => void }>();
  session.on('stanza', (stanza) => {
    if (stanza.is('iq') && (stanza.attrs.type === 'result' || stanza.attrs.type === 'error')) {
      for (const tracker of trackers) tracker.handleReply(stanza);
      return;
    }
    inbox.push(stanza);
    for (const waiter of waiters) {
      if (waiter.pred(stanza)) {
        waiters.delete(waiter);
        waiter.resolve(stanza);
      }
    }
  });
  session.start();
  const waitFor = (pred: (s: Element) => boolean, timeoutMs = 10_000): Promise<Element> => {
    const earlier = inbox.find(pred);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (s: Element) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`${session.jid}: no matching stanza within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };
  return { session, iq, trackers, inbox, waitFor };
}
