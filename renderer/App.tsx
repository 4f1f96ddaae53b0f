// The application shell: sign-in until a session exists, then roster + chat tabs with the status bar,
// subscription prompts and notices. A window opened with #...view=chat&peer=JID shows only that chat.
import { useEffect } from 'react';
import { getBridge } from './transport/bridge.ts';
import { useConnection } from './stores/connection.ts';
import { useChats } from './stores/chats.ts';
import { useUi } from './stores/ui.ts';
import { SignIn } from './features/signin/SignIn.tsx';
import { Roster } from './features/roster/Roster.tsx';
import { PresencePicker } from './features/presence/PresencePicker.tsx';
import { ChatArea } from './features/chat/ChatArea.tsx';
import { ChatView } from './features/chat/ChatView.tsx';
import { RequestsBanner } from './features/subscriptions/RequestsBanner.tsx';
import { Toasts } from './features/subscriptions/Toasts.tsx';
import { StatusBar } from './features/status/StatusBar.tsx';

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
  const jid = useConnection((s) => s.state.jid);
  return (
    <div className="app">
      <header className="top-bar">
        <h1 className="app-name">Parley</h1>
        <span className="own-jid" title={jid ?? undefined}>
          {jid?.split('/')[0]}
        </span>
        <PresencePicker />
        <button type="button" onClick={() => void getBridge().invoke('account.signOut', {})}>
          Sign out
        </button>
      </header>
      <RequestsBanner />
      <div className="workspace">
        <Roster />
        <ChatArea />
      </div>
      <StatusBar />
      <Toasts />
    </div>
  );
}

function PopOutWindow({ peer }: { peer: string }) {
  // Its history loads when the chat view first shows (MessageList).
  return (
    <div className="app popout">
      <main className="popout-main" aria-label={`Chat with ${peer}`}>
        <ChatView peer={peer} mode="window" />
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
}

export function App() {
  const ready = useConnection((s) => s.ready);
  const status = useConnection((s) => s.state.status);
  const pending = useConnection((s) => s.signInPending);
  const view = useUi((s) => s.view);
  const popPeer = useUi((s) => s.popPeer);
  useUnreadTitle();

  if (!ready) {
    return (
      <div className="app">
        <p className="starting">Starting Parley…</p>
        <StatusBar />
      </div>
    );
  }
  if (view === 'chat' && popPeer) return <PopOutWindow peer={popPeer} />;
  // 'connecting' happens only during a sign-in ('reconnecting' is the session's own retry), so the form stays
  // on screen until the session is online, even if the command's answer and the state event cross.
  if (status === 'offline' || status === 'connecting' || pending) {
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
