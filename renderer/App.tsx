// The application shell: sign-in until an account is signed in, then the accounts area, roster + chat tabs
// with the status bar, subscription prompts and notices; "Add account" shows the sign-in form again while the
// other accounts stay signed in. A window opened with #...view=chat&account=JID&peer=JID shows only that chat.
import { useEffect } from 'react';
import { useConnection } from './stores/connection.ts';
import { useChats } from './stores/chats.ts';
import { useUi } from './stores/ui.ts';
import { SignIn } from './features/signin/SignIn.tsx';
import { Roster } from './features/roster/Roster.tsx';
import { AccountsBar } from './features/accounts/AccountsBar.tsx';
import { useShownAccounts } from './features/accounts/use-accounts.ts';
import { ChatArea } from './features/chat/ChatArea.tsx';
import { ChatView } from './features/chat/ChatView.tsx';
import { RequestsBanner } from './features/subscriptions/RequestsBanner.tsx';
import { MessageRequests } from './features/requests/MessageRequests.tsx';
import { InvitationPrompts } from './features/invitations/InvitationPrompts.tsx';
import { Toasts } from './features/subscriptions/Toasts.tsx';
import { StatusBar } from './features/status/StatusBar.tsx';
import { parseConversationId } from './stores/conversation.ts';
import { PageProblem } from './features/startup/PageProblem.tsx';
import { SettingsHost } from './features/settings/SettingsEntry.tsx';
import { Shortcuts } from './features/shortcuts/Shortcuts.tsx';
import { LinkDialogs } from './features/links/LinkDialogs.tsx';

function useUnreadTitle(): void {
  const total = useChats((s) => {
    let n = 0;
    for (const chat of s.chats.values()) n += chat.unread;
    return n;
  });
  useEffect(() => {
    document.title = total > 0 ? `(${total}) Parley` : 'Parley';
  }, [total]);
}

function MainWindow() {
  // A narrow window shows one of the two (styles.css): the chat when one is open and chosen, else the roster.
  const pane = useUi((s) => (s.pane === 'chat' && s.activeId !== null ? 'chat' : 'roster'));
  return (
    <div className="app">
      <AccountsBar />
      <RequestsBanner />
      <MessageRequests />
      <InvitationPrompts />
      <div className="workspace" data-pane={pane}>
        <Roster />
        <ChatArea />
      </div>
      <StatusBar />
      <SettingsHost />
      <Shortcuts />
      <LinkDialogs />
      <Toasts />
    </div>
  );
}

function PopOutWindow({ chat }: { chat: string }) {
  const peer = parseConversationId(chat)?.peer ?? chat;
  // Its history loads when the chat view first shows (MessageList).
  return (
    <div className="app popout">
      <main className="popout-main" aria-label={`Chat with ${peer}`}>
        <ChatView chat={chat} mode="window" />
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
}

function Starting({ text }: { text: string }) {
  return (
    <div className="app">
      <p className="starting">{text}</p>
      <StatusBar />
    </div>
  );
}

export function App() {
  const ready = useConnection((s) => s.ready);
  const restoring = useConnection((s) => s.restoring);
  const connecting = useConnection((s) => [...s.connections.values()].some((c) => c.status === 'connecting'));
  const pending = useConnection((s) => s.signInPending);
  const shown = useShownAccounts();
  const adding = useUi((s) => s.addAccount !== null);
  const view = useUi((s) => s.view);
  const popId = useUi((s) => s.popId);
  const refusal = useUi((s) => s.refusal);
  useUnreadTitle();

  // Browser mode: the host would not let this page in (no token, an old one, another tab has it).
  if (refusal) return <PageProblem refusal={refusal} />;
  if (!ready) return <Starting text="Starting Parley…" />;
  if (view === 'chat' && popId) return <PopOutWindow chat={popId} />;
  // Signing in again the accounts that were signed in last time: no form to flash meanwhile.
  if (shown.length === 0 && restoring && connecting && !pending) {
    return <Starting text="Signing in…" />;
  }
  // No account shown yet (a sign-in keeps the form on screen until that account's roster is: the cached one
  // at once, a first sign-in's once fetched; even if the command's answer and the state event cross), or the
  // user is adding one.
  if (shown.length === 0 || adding) {
    return (
      <div className="app">
        <SignIn />
        <StatusBar />
        <Toasts />
      </div>
    );
  }
  return <MainWindow />;
}
