// The sections that are switches and choices only: notifications, appearance, privacy, chat, window.
import { Choice, Toggle } from './PreferenceControls.tsx';

export function NotificationsSection() {
  return (
    <>
      <Toggle section="notifications" field="enabled" label="Show desktop notifications" />
      <Toggle
        section="notifications"
        field="showText"
        label="Show the message text"
        hint='Off: a notification says only "New message".'
      />
      <Toggle section="notifications" field="sound" label="Play a sound" />
      <Toggle section="notifications" field="silentWhenBusy" label="None while I am Do not disturb" />
      <Choice
        section="notifications"
        field="rooms"
        label="Group chats notify for"
        options={[
          { value: 'all', label: 'Every message' },
          { value: 'mentions', label: 'Mentions and replies to me' },
          { value: 'none', label: 'Nothing' },
        ]}
      />
      <Toggle section="notifications" field="subscriptionRequests" label="Contact requests" />
      <Toggle section="notifications" field="invitations" label="Group chat invitations" />
    </>
  );
}

export function AppearanceSection() {
  return (
    <>
      <Choice
        section="appearance"
        field="theme"
        label="Theme"
        options={[
          { value: 'system', label: 'As the system' },
          { value: 'light', label: 'Light' },
          { value: 'dark', label: 'Dark' },
        ]}
      />
      <Choice
        section="appearance"
        field="fontSize"
        label="Text size"
        options={[
          { value: 'small', label: 'Small' },
          { value: 'normal', label: 'Normal' },
          { value: 'large', label: 'Large' },
          { value: 'larger', label: 'Larger' },
        ]}
      />
      <Toggle section="appearance" field="compactRoster" label="Compact contact list" />
      <Choice
        section="appearance"
        field="language"
        label="Language"
        options={[
          { value: 'system', label: 'As the system' },
          { value: 'en', label: 'English' },
          { value: 'de', label: 'Deutsch' },
        ]}
      />
    </>
  );
}

export function PrivacySection() {
  return (
    <>
      <Toggle
        section="privacy"
        field="typingNotifications"
        label="Send chat states"
        hint="Tells contacts you are active in a chat."
      />
      <Toggle
        section="privacy"
        field="readMarkers"
        label="Send read markers"
        hint="Tells contacts when you have seen their messages."
      />
      <Toggle
        section="privacy"
        field="receipts"
        label="Send delivery receipts"
        hint="Tells contacts their message reached you. You still see theirs."
      />
      <Toggle
        section="privacy"
        field="softwareVersion"
        label="Tell who asks which app and version I use"
        hint="Never the operating system. Takes effect for what others see at the next sign-in."
      />
    </>
  );
}

export function ChatSection() {
  return (
    <>
      <Toggle
        section="chat"
        field="enterToSend"
        label="Enter sends the message"
        hint="Off: Enter starts a new line and Ctrl+Enter sends."
      />
      <Toggle section="chat" field="spellCheck" label="Check spelling" />
      <Toggle
        section="chat"
        field="emojiShortcuts"
        label="Turn emoticons into emoji"
        hint=":-) becomes 🙂 once you type a space after it."
      />
    </>
  );
}

export function WindowSection() {
  const desktop = Boolean(window.parley);
  return (
    <>
      {!desktop && <p className="hint">These apply to the desktop app only.</p>}
      <Toggle
        section="window"
        field="closeToTray"
        label="Closing the window keeps Parley running in the tray"
        hint="Some Linux desktops show no tray icon: there, start Parley again to bring its window back."
      />
      <Toggle
        section="window"
        field="startAtLogin"
        label="Start Parley when I log in"
        hint="On Linux, Parley adds itself to ~/.config/autostart (installed builds only)."
      />
    </>
  );
}
