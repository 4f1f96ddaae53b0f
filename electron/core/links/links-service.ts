// xmpp: URIs from other programs (start, a second launch, macOS open-url, `npm start -- xmpp:…`) and from
// the page: parsed strictly here, announced to every window as 'uri.opened'. Nothing is carried out in the
// engine: the page shows what the link asks for and the user decides.
import { parseXmppUri } from '../../../shared/xmpp-uri.ts';
import { EngineError } from '../errors.ts';
import { defineService } from '../engine-service.ts';

export const linksService = defineService({
  id: 'links',
  commands: ['uri.open'],
  create(context) {
    return {
      commands: {
        'uri.open': async ({ uri: text }) => {
          const parsed = parseXmppUri(text);
          if (!parsed.ok) throw new EngineError('invalid-request', parsed.error);
          context.emit('uri.opened', { uris: [parsed.uri] });
          return { uri: parsed.uri };
        },
      },
    };
  },
});
