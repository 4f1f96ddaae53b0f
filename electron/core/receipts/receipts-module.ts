// XEP-0184 receipts and XEP-0333 markers for one account: acks that come in move our sent messages on; a
// receipt goes out when a message arrives, a displayed marker only when the user looks at the chat. Both go
// only to contacts who may see our presence anyway (XEP-0184 §8), so "online" and "read" stay private.
import { isMessageType } from '../../../shared/contract.ts';
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import type { ChatModule } from '../chat/chat-module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import { NS_MARKERS, NS_RECEIPTS } from '../xmpp/ns.ts';
import { PendingMarkers, receiptFor } from './receipts.ts';

export interface ReceiptsModule extends ProtocolModule {
  readonly markers: PendingMarkers;
}

function create(context: AccountContext) {
  const markers = new PendingMarkers();
  /** Whether the contact may see our presence (subscription from or both). */
  const sharesPresenceWith = (peer: string): boolean => {
    const subscription = context.module<RosterModule>('roster').roster.contacts.get(peer)?.subscription;
    return subscription === 'from' || subscription === 'both';
  };

  const onMessage = (envelope: MessageEnvelope): 'continue' => {
    // Our other devices' sent messages carry nothing for us; archive pages are the catch-up's.
    if (envelope.via === 'carbon-sent' || envelope.via === 'archive') return 'continue';
    const { message, fromBare, fields, type, ack } = envelope;
    if (ack) {
      context.module<ChatModule>('chat').chats.setStates([{ id: ack.id, peer: ack.from, state: ack.kind }]);
    }
    const content = fromBare !== null && isMessageType(type) && (fields.body ?? fields.subject) !== null;
    if (!content) return 'continue';
    // A carbon may be shown here too, so it may be marked; its receipt is the receiving device's to send.
    markers.noteReceived(fromBare, message);
    const link = context.link();
    // Settings › Privacy › receipts off: we still ask others for theirs, but answer none.
    const answering = context.preferences.get().privacy.receipts;
    if (answering && envelope.via === 'live' && link && sharesPresenceWith(fromBare)) {
      const receipt = receiptFor(message);
      if (receipt) link.send(receipt).catch(() => undefined);
    }
    return 'continue';
  };

  return {
    id: 'receipts',
    markers,
    // Advertised only while we answer them (XEP-0184, XEP-0333): a peer that sees the feature waits for them.
    get features() {
      const { receipts, readMarkers } = context.preferences.get().privacy;
      return [...(receipts ? [NS_RECEIPTS] : []), ...(readMarkers ? [NS_MARKERS] : [])];
    },
    handlers: [{ kind: 'message', priority: 40, handle: onMessage }],
    commands: {
      'chat.markDisplayed': async ({ peer }) => {
        const link = context.link();
        if (!context.ready() || !link?.isOpen) return { ok: true }; // kept for when we are back
        // Taken even when read markers are off: what was seen then is never announced later.
        const marker = markers.take(peer);
        const announcing = context.preferences.get().privacy.readMarkers;
        if (marker && announcing && sharesPresenceWith(peer)) await link.send(marker).catch(() => undefined);
        return { ok: true };
      },
    },
    onSessionEnd: () => markers.clear(),
  } satisfies ReceiptsModule;
}

export const receiptsModule = defineModule({ id: 'receipts', commands: ['chat.markDisplayed'], create });
