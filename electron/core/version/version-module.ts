// XEP-0092 Software Version: who asks learns "Parley" and its version (never the OS), and only while
// Settings › Privacy › software version is on. The disco feature follows the switch at once (the disco
// module computes its answer and caps hash again when a preference changes); the answer, at each request.
import { xml } from '@xmpp/xml';
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import { IqError } from '../xmpp/dispatcher.ts';

export const NS_VERSION = 'jabber:iq:version';
export const CLIENT_NAME = 'Parley';

function create(context: AccountContext): ProtocolModule {
  const answering = (): boolean => context.preferences.get().privacy.softwareVersion;
  return {
    id: 'version',
    get features() {
      return answering() ? [NS_VERSION] : [];
    },
    iq: [
      {
        type: 'get',
        ns: NS_VERSION,
        child: 'query',
        handle: () => {
          if (!answering()) throw new IqError('service-unavailable');
          return xml(
            'query',
            { xmlns: NS_VERSION },
            xml('name', {}, CLIENT_NAME),
            xml('version', {}, context.appVersion),
          );
        },
      },
    ],
  };
}

export const versionModule = defineModule({ id: 'version', create, commands: [] });
