// Converse.js (e2e/harness/converse.ts: its prebuilt dist from node_modules, in its own Chromium, over the
// harness Prosody's WebSocket) joining the same kind of room in the same run: 5,000 occupants played by the
// component. Each run a fresh browser context (its own storage) signs in and opens the room with Converse's
// API (api.rooms.open, as its "Enter groupchat" does); timed in the page from the call until Converse has
// entered with every occupant in its model, and a frame more; then its JS heap after forced GCs.
import { startConverseBrowser } from '../../e2e/harness/converse.ts';
import type { ComponentClient } from '../../e2e/harness/component.ts';
import type { XmppServer } from '../../e2e/harness/server.ts';
import { heapMb } from './_muc-page.ts';
import { playRoom } from './_muc-room.ts';

export interface ConverseFigures {
  joinMs: number[];
  enteredMs: number[];
  heapMb: number[];
  longestTaskMs: number[];
  errors: string[];
}

export async function converseRuns(
  server: XmppServer,
  component: ComponentClient,
  account: { jid: string; password: string },
  occupants: number,
  runs: number,
  timeoutMs: number,
  warmUp = true,
): Promise<ConverseFigures> {
  const figures: ConverseFigures = { joinMs: [], enteredMs: [], heapMb: [], longestTaskMs: [], errors: [] };
  const browser = await startConverseBrowser(server, { extraArgs: ['--enable-precise-memory-info'] });
  try {
    for (let run = warmUp ? 0 : 1; run <= runs; run++) {
      const client = await browser.open(account);
      try {
        const room = `conv${run}-${occupants}@${component.domain}`;
        const playing = playRoom(component, room, 'c', occupants);
        const join = await client.joinRoomTimed(room, 'me', occupants, timeoutMs);
        await Promise.race([playing, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (join.ms === null) {
          throw new Error(
            `Converse held ${join.occupants} of ${occupants} occupants after ${timeoutMs / 1000} s ` +
              `(entered: ${join.enteredMs === null ? 'no' : `${Math.round(join.enteredMs)} ms`})`,
          );
        }
        if (run === 0) continue; // warm-up: the dist's first load and compile
        figures.joinMs.push(join.ms);
        if (join.enteredMs !== null) figures.enteredMs.push(join.enteredMs);
        if (join.longestTaskMs !== null) figures.longestTaskMs.push(join.longestTaskMs);
        const heap = await heapMb(client.page.context(), client.page);
        if (heap !== null) figures.heapMb.push(heap);
      } catch (error) {
        figures.errors.push(`converse run ${run}: ${(error as Error).message}`);
        console.error(`muc bench: converse run ${run}: ${(error as Error).message}`);
      } finally {
        await client.close();
      }
    }
  } finally {
    await browser.close();
  }
  return figures;
}
