import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/bridge.ts';
import type { CommandName, EventName } from '../../shared/contract.ts';
import { createBridge, type BridgeIpc } from './bridge.ts';

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>();
  const ipc = {
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return { ok: true, value: { ok: true } };
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipc;
    },
  };
  const emit = (batch: unknown) => {
    for (const listener of listeners.get(IPC_EVENTS_CHANNEL) ?? []) listener({ sender: 'secret' }, batch);
  };
  return { ipc: ipc as unknown as BridgeIpc, invoked, listeners, emit };
}

describe('preload bridge', () => {
  it('exposes exactly invoke and on, frozen', () => {
    const bridge = createBridge(fakeIpc().ipc);
    assert.deepEqual(Object.keys(bridge).sort(), ['invoke', 'on']);
    assert.ok(Object.isFrozen(bridge));
  });

  it('passes contract commands to the invoke channel', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createBridge(ipc);
    const chat = { account: 'me@example.org', peer: 'a@example.org' };
    const result = await bridge.invoke('roster.remove', { account: chat.account, jid: chat.peer });
    assert.deepEqual(result, { ok: true, value: { ok: true } });
    await bridge.invoke('window.popOut', chat);
    assert.deepEqual(invoked, [
      [IPC_INVOKE_CHANNEL, 'roster.remove', { account: chat.account, jid: chat.peer }],
      [IPC_INVOKE_CHANNEL, 'window.popOut', chat],
    ]);
  });

  it('refuses names that are not contract commands without touching IPC', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createBridge(ipc);
    for (const name of ['fs.readFile', '__proto__', 'constructor', 'toString', '', 42, null]) {
      const result = await bridge.invoke(name as CommandName, {} as never);
      assert.equal(result.ok, false, String(name));
      assert.equal(!result.ok && result.error.code, 'invalid-request');
    }
    assert.deepEqual(invoked, []);
  });

  it('uses one IPC listener and routes batches to handlers of contract events only', () => {
    const { ipc, listeners, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    assert.equal(listeners.get(IPC_EVENTS_CHANNEL)?.length, 1);
    const seen: unknown[] = [];
    const off = bridge.on('window.layout', (payload) => seen.push(payload));
    bridge.on('connection.state', (payload) => seen.push(payload.status));
    assert.equal(listeners.get(IPC_EVENTS_CHANNEL)?.length, 1, 'still one listener');
    assert.equal(listeners.size, 1);
    const popped = [{ account: 'me@example.org', peer: 'a@example.org' }];
    emit([{ event: 'window.layout', payload: { poppedOut: popped } }]);
    emit('not a batch');
    emit([{ event: 'evil.event', payload: {} }]);
    off();
    emit([{ event: 'window.layout', payload: { poppedOut: [] } }]);
    assert.deepEqual(seen, [{ poppedOut: popped }]);
    assert.throws(() => bridge.on('ipc.raw' as EventName, () => undefined), /Unknown event/);
    assert.throws(() => bridge.on('__proto__' as EventName, () => undefined), /Unknown event/);
  });
});
