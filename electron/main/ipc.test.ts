import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IpcMain, WebContents } from 'electron';
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/bridge.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import {
  broadcast,
  createShellHandlers,
  isTrustedSender,
  PopOutState,
  type ChatRef,
  registerInvokeHandler,
  type CommandHost,
  type SenderEvent,
} from './ipc.ts';

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  isDestroyed(): boolean;
}

function frame(url: string, parent: FakeFrame | null = null): FakeFrame {
  return { url, parent, isDestroyed: () => false };
}

function contentsWith(mainFrame: FakeFrame) {
  return { mainFrame } as unknown as WebContents;
}

function setup() {
  let handler: ((event: SenderEvent, ...args: unknown[]) => Promise<unknown>) | null = null;
  const ipcMain = {
    handle: (channel: string, h: typeof handler) => {
      assert.equal(channel, IPC_INVOKE_CHANNEL);
      handler = h;
    },
    removeHandler: () => (handler = null),
  } as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>;
  const calls: Array<[unknown, unknown]> = [];
  const host: CommandHost = {
    handle: async (command, payload) => {
      calls.push([command, payload]);
      return { ok: true, value: { ok: true } };
    },
  };
  const top = frame('parley://app/index.html');
  const ours = contentsWith(top);
  registerInvokeHandler(ipcMain, host, (contents) => contents === ours);
  const invoke = (event: SenderEvent) => {
    assert.ok(handler);
    return handler(event, 'roster.remove', { jid: 'a@b' }) as Promise<{ ok: boolean }>;
  };
  return { invoke, calls, top, ours };
}

describe('ipc adapter: sender checks', () => {
  it('a valid sender reaches ContractHost.handle with command and payload', async () => {
    const { invoke, calls, top, ours } = setup();
    const result = await invoke({ sender: ours, senderFrame: top } as unknown as SenderEvent);
    assert.equal(result.ok, true);
    assert.deepEqual(calls, [['roster.remove', { jid: 'a@b' }]]);
  });

  it('a subframe of our window is rejected without reaching the host', async () => {
    const { invoke, calls, top, ours } = setup();
    const child = frame('parley://app/index.html', top);
    const result = await invoke({ sender: ours, senderFrame: child } as unknown as SenderEvent);
    assert.equal(result.ok, false);
    assert.deepEqual(calls, []);
  });

  it('a top frame on a foreign URL is rejected', async () => {
    const { invoke, calls, ours } = setup();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'parley://evil/', 'about:blank']) {
      const top = frame(url);
      (ours as unknown as { mainFrame: FakeFrame }).mainFrame = top;
      const result = await invoke({ sender: ours, senderFrame: top } as unknown as SenderEvent);
      assert.equal(result.ok, false, url);
    }
    assert.deepEqual(calls, []);
  });

  it('web contents that are not one of our windows are rejected', async () => {
    const { invoke, calls } = setup();
    const top = frame('parley://app/index.html');
    const result = await invoke({ sender: contentsWith(top), senderFrame: top } as unknown as SenderEvent);
    assert.equal(result.ok, false);
    assert.deepEqual(calls, []);
  });

  it('a missing or destroyed sender frame is rejected', async () => {
    const { invoke, calls, ours, top } = setup();
    assert.equal((await invoke({ sender: ours, senderFrame: null } as unknown as SenderEvent)).ok, false);
    const dead = { ...top, isDestroyed: () => true };
    assert.equal((await invoke({ sender: ours, senderFrame: dead } as unknown as SenderEvent)).ok, false);
    assert.deepEqual(calls, []);
  });

  it('isTrustedSender requires the frame to be the contents main frame', () => {
    const top = frame('parley://app/index.html');
    const other = frame('parley://app/index.html');
    const contents = contentsWith(top);
    const event = { sender: contents, senderFrame: other } as unknown as SenderEvent;
    assert.equal(
      isTrustedSender(event, () => true),
      false,
    );
  });
});

describe('events and pop-out layout', () => {
  function fakeTarget() {
    const sent: Array<[string, unknown]> = [];
    let destroyed = false;
    return {
      sent,
      kill: () => (destroyed = true),
      contents: {
        send: (channel: string, batch: unknown) => sent.push([channel, batch]),
        isDestroyed: () => destroyed,
      },
    };
  }

  it('broadcast sends a batch to every live window on the events channel', () => {
    const a = fakeTarget();
    const b = fakeTarget();
    b.kill();
    const batch: EngineEvent[] = [{ event: 'window.layout', payload: { poppedOut: [] } }];
    broadcast([a.contents, b.contents], batch);
    broadcast([a.contents], []);
    assert.deepEqual(a.sent, [[IPC_EVENTS_CHANNEL, batch]]);
    assert.deepEqual(b.sent, []);
  });

  it('popOut / dock open and close the chat window and announce window.layout on change only', async () => {
    const announced: EngineEvent[][] = [];
    const popOuts = new PopOutState((batch) => announced.push(batch));
    const opened: ChatRef[] = [];
    const closed: ChatRef[] = [];
    const shell = createShellHandlers(
      { openChat: (chat) => opened.push(chat), closeChat: (chat) => closed.push(chat) },
      popOuts,
      async () => true,
    );
    const me = 'me@example.org';
    const bob = { account: me, peer: 'bob@example.org' };
    const alice = { account: me, peer: 'alice@example.org' };
    // The same peer on another account is another chat.
    const aliceElsewhere = { account: 'you@other.org', peer: 'alice@example.org' };
    await shell['window.popOut'](bob);
    await shell['window.popOut'](alice);
    await shell['window.popOut']({ ...alice });
    assert.deepEqual(opened, [bob, alice, alice]);
    assert.deepEqual(announced, [
      [{ event: 'window.layout', payload: { poppedOut: [bob] } }],
      [{ event: 'window.layout', payload: { poppedOut: [alice, bob] } }],
    ]);
    await shell['window.popOut'](aliceElsewhere);
    assert.deepEqual(announced.at(-1), [
      { event: 'window.layout', payload: { poppedOut: [alice, bob, aliceElsewhere] } },
    ]);
    assert.equal(popOuts.has(aliceElsewhere), true);
    await shell['window.dock'](bob);
    assert.deepEqual(closed, [bob]);
    assert.deepEqual(announced.at(-1), [
      { event: 'window.layout', payload: { poppedOut: [alice, aliceElsewhere] } },
    ]);
    // The window's own 'closed' (user closed it) docks through the same state: no duplicate event.
    popOuts.delete(bob);
    assert.equal(announced.length, 4);
    await shell['window.dock'](aliceElsewhere);
    assert.equal(popOuts.has(alice), true, 'docking one account’s chat leaves the other’s');
  });

  it('shell.openExternal refuses disallowed URLs before the opener sees them', async () => {
    const seen: string[] = [];
    const shell = createShellHandlers(
      { openChat: () => undefined, closeChat: () => undefined },
      new PopOutState(() => undefined),
      async (url) => {
        seen.push(url);
        return true;
      },
    );
    assert.deepEqual(await shell['shell.openExternal']({ url: 'https://example.org/' }), { ok: true });
    await assert.rejects(shell['shell.openExternal']({ url: 'file:///etc/passwd' }), /Only http/);
    await assert.rejects(shell['shell.openExternal']({ url: 'javascript:alert(1)' }), /Only http/);
    assert.deepEqual(seen, ['https://example.org/']);
  });
});
