// Feeds the invitations store: each account's list once it is online (asked with 'invitations.list', as the
// state snapshot does not carry invitations, and again after a browser-mode socket came back), then every
// 'invitations.changed'; a declined invitation of ours becomes a toast, as does a room's refusal to pass
// one on. An answer older than an event that came meanwhile is not applied.
import type { EventName, EventPayload } from '../../../shared/contract.ts';
import { getBridge, onBridgeReopen } from '../../transport/bridge.ts';
import { useConnection } from '../../stores/connection.ts';
import { useUi } from '../../stores/ui.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { useInvitations } from './invitations-store.ts';
import { declineText } from './invitation-words.ts';

type On = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

export function registerInvitationEvents(on: On): void {
  /** Accounts whose list was asked (or is being asked), and the events seen per account since. */
  const asked = new Set<string>();
  const changes = new Map<string, number>();

  on('invitations.changed', ({ account, invitations, more }) => {
    changes.set(account, (changes.get(account) ?? 0) + 1);
    useInvitations.getState().setInvitations(account, invitations, more);
  });
  on('invitations.declined', ({ declines }) => {
    for (const d of declines) useUi.getState().addToast(declineText(d.room, d.from, d.reason));
  });
  on('invitations.refused', ({ refusals }) => {
    const t = currentIntl().formatMessage;
    for (const r of refusals) {
      useUi
        .getState()
        .addToast(t({ id: 'invitations.refused' }, { room: r.room, to: r.to, reason: r.reason }));
    }
  });

  const ask = async (account: string): Promise<void> => {
    asked.add(account);
    const seen = changes.get(account) ?? 0;
    const result = await getBridge().invoke('invitations.list', { account });
    if (!result.ok) {
      asked.delete(account);
      return;
    }
    if ((changes.get(account) ?? 0) !== seen) return; // an event since is newer than this answer
    useInvitations.getState().setInvitations(account, result.value.invitations, result.value.more);
  };

  const follow = (): void => {
    const { connections } = useConnection.getState();
    for (const [account, state] of connections) {
      if (state.status === 'online' && !asked.has(account)) void ask(account);
      if (state.status === 'offline' && asked.has(account)) {
        asked.delete(account);
        useInvitations.getState().setInvitations(account, [], 0);
      }
    }
    const held = useInvitations.getState().byAccount;
    if ([...held.keys()].some((account) => !connections.has(account)))
      useInvitations.getState().retain(new Set(connections.keys()));
  };
  useConnection.subscribe(follow);
  onBridgeReopen(() => {
    asked.clear();
    follow();
  });
  follow();
}
