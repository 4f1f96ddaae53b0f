// A Parley engine in a process of its own, so a test can kill it with SIGKILL mid-send (the app process
// dying) and start another on the same data folder. Configured by one JSON argument; takes JSON-line
// commands on stdin and answers JSON lines on stdout:
//   -> {"op":"burst","to":JID,"count":N,"prefix":P}   sends P0..P(N-1) one after another
//   <- {"ready":true} after sign-in; {"sent":i,"seq":S,"state":"pending"} as each chat.send answers
import { createInterface } from 'node:readline';
import { Engine } from '../../electron/core/engine.ts';

interface Config {
  dataDir: string;
  caPem: string;
  jid: string;
  password: string;
  host: string;
  port: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

const engine = await Engine.create({
  dataDir: config.dataDir,
  extraCertificates: [config.caPem],
  reconnectDelay: { initialMs: 100, maxMs: 1_000 },
});
const signIn = await engine.invoke('account.signIn', {
  jid: config.jid,
  password: config.password,
  host: config.host,
  port: config.port,
});
if (!signIn.ok) {
  say({ error: signIn.error });
  process.exit(1);
}
say({ ready: true });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { op: string; to: string; count: number; prefix: string };
  if (command.op !== 'burst') continue;
  for (let i = 0; i < command.count; i++) {
    const result = await engine.invoke('chat.send', {
      account: config.jid,
      to: command.to,
      body: `${command.prefix}${i}`,
    });
    say(result.ok ? { sent: i, seq: result.value.seq, state: result.value.state } : { error: result.error });
  }
}
