// `npm run demo`: one command that shows a newcomer every part working. Starts the harness Prosody with a
// demo account and scripted buddies (alice online and chatty, bob away, carol asking to be added), signs
// Parley in and prints the browser-mode address.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody } from '../e2e/harness/prosody.ts';
import { startSlixmppPeer, type SlixmppPeer } from '../e2e/harness/peer.ts';
import { Engine } from '../electron/core/engine.ts';
import { startBrowserMode } from './start.ts';

const PASSWORD = 'demo-password';

async function main(): Promise<void> {
  const server = await startProsody({
    accounts: ['you', 'alice', 'bob', 'carol'].map((user) => ({ user, password: PASSWORD })),
  });
  const jid = (user: string) => `${user}@${server.domain}`;
  const engine = await Engine.create({
    dataDir: await mkdtemp(path.join(os.tmpdir(), 'parley-demo-')),
    extraCertificates: [server.certificate.certPem],
  });
  const peers: SlixmppPeer[] = [];
  const stopAll = async () => {
    await Promise.allSettled(peers.map((peer) => peer.stop()));
    await server.stop();
  };
  try {
    const signedIn = await engine.invoke('account.signIn', {
      jid: jid('you'),
      password: PASSWORD,
      host: server.host,
      port: server.c2sPort,
    });
    if (!signedIn.ok) throw new Error(signedIn.error.message);
    const peer = async (user: string, echo = false) => {
      const started = await startSlixmppPeer({
        jid: jid(user),
        password: PASSWORD,
        host: server.host,
        port: server.c2sPort,
        caPem: server.certificate.certPem,
        onSubscribe: 'approve',
        echo,
      });
      peers.push(started);
      return started;
    };
    const [alice, bob, carol] = await Promise.all([peer('alice', true), peer('bob'), peer('carol')]);
    // Mutual subscriptions with alice (Friends) and bob (Work): they approve ours, we approve theirs.
    for (const [buddy, name, group] of [
      [alice, 'Alice', 'Friends'],
      [bob, 'Bob', 'Work'],
    ] as const) {
      await engine.invoke('roster.add', {
        account: jid('you'),
        jid: buddy.jid,
        name,
        groups: [group],
        subscribe: true,
      });
      await buddy
        .waitFor('presence', (e) => e.presenceType === 'subscribed' || e.presenceType === 'available', 10_000)
        .catch(() => undefined);
      await buddy.subscribe(jid('you'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await engine.invoke('subscription.answer', { account: jid('you'), jid: buddy.jid, answer: 'approve' });
    }
    await bob.setPresence('away', 'In a meeting until 3');
    await alice.setPresence('chat', 'Ask me anything');
    await carol.subscribe(jid('you'));
    await alice.sendMessage(jid('you'), 'Hi! I am Alice. Write to me and I will echo it back.');
  } catch (error) {
    await stopAll();
    throw error;
  }
  const { host, stop } = await startBrowserMode({ engine });
  // One write: whoever reads the address (a person, a test) gets the rest with it.
  process.stdout.write(
    `Demo account ${jid('you')} (password ${PASSWORD}) is signed in.\n` +
      `Parley is running at ${host.url}\n` +
      'Open that address in a browser on this machine. Stop the demo with Ctrl+C.\n',
  );
  const shutdown = () =>
    void stop()
      .then(stopAll)
      .finally(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await main();
