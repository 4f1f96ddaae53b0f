// xmpp: URIs from other programs, parsed and announced to the windows. (Being built: see issue 12 §3.)
import { EngineError } from '../errors.ts';
import { defineService } from '../engine-service.ts';

export const linksService = defineService({
  id: 'links',
  commands: ['uri.open'],
  create() {
    return {
      commands: {
        'uri.open': async () => {
          throw new EngineError('not-supported', 'xmpp: links are not handled yet.');
        },
      },
    };
  },
});
