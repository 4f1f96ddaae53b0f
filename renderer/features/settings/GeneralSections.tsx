// The sections that are switches and choices only: notifications, appearance, privacy, chat, window.
import { useIntl } from 'react-intl';
import { Choice, Toggle } from './PreferenceControls.tsx';

export function NotificationsSection() {
  const { formatMessage: t } = useIntl();
  return (
    <>
      <Toggle section="notifications" field="enabled" label={t({ id: 'settings.notifications.enabled' })} />
      <Toggle
        section="notifications"
        field="showText"
        label={t({ id: 'settings.notifications.showText' })}
        hint={t({ id: 'settings.notifications.showText.hint' })}
      />
      <Toggle section="notifications" field="sound" label={t({ id: 'settings.notifications.sound' })} />
      <Toggle
        section="notifications"
        field="silentWhenBusy"
        label={t({ id: 'settings.notifications.silentWhenBusy' })}
      />
      <Choice
        section="notifications"
        field="rooms"
        label={t({ id: 'settings.notifications.rooms' })}
        options={[
          { value: 'all', label: t({ id: 'settings.notifications.rooms.all' }) },
          { value: 'mentions', label: t({ id: 'settings.notifications.rooms.mentions' }) },
          { value: 'none', label: t({ id: 'settings.notifications.rooms.none' }) },
        ]}
      />
      <Toggle
        section="notifications"
        field="subscriptionRequests"
        label={t({ id: 'settings.notifications.subscriptionRequests' })}
      />
      <Toggle
        section="notifications"
        field="invitations"
        label={t({ id: 'settings.notifications.invitations' })}
      />
    </>
  );
}

export function AppearanceSection() {
  const { formatMessage: t } = useIntl();
  return (
    <>
      <Choice
        section="appearance"
        field="theme"
        label={t({ id: 'settings.appearance.theme' })}
        options={[
          { value: 'system', label: t({ id: 'settings.appearance.asSystem' }) },
          { value: 'light', label: t({ id: 'settings.appearance.theme.light' }) },
          { value: 'dark', label: t({ id: 'settings.appearance.theme.dark' }) },
        ]}
      />
      <Choice
        section="appearance"
        field="fontSize"
        label={t({ id: 'settings.appearance.fontSize' })}
        options={[
          { value: 'small', label: t({ id: 'settings.appearance.fontSize.small' }) },
          { value: 'normal', label: t({ id: 'settings.appearance.fontSize.normal' }) },
          { value: 'large', label: t({ id: 'settings.appearance.fontSize.large' }) },
          { value: 'larger', label: t({ id: 'settings.appearance.fontSize.larger' }) },
        ]}
      />
      <Toggle
        section="appearance"
        field="compactRoster"
        label={t({ id: 'settings.appearance.compactRoster' })}
      />
      <Choice
        section="appearance"
        field="language"
        label={t({ id: 'settings.appearance.language' })}
        options={[
          { value: 'system', label: t({ id: 'settings.appearance.asSystem' }) },
          // Each language by its own name, whatever the page speaks: that is how one finds one's own.
          { value: 'en', label: 'English' },
          { value: 'de', label: 'Deutsch' },
        ]}
      />
    </>
  );
}

export function PrivacySection() {
  const { formatMessage: t } = useIntl();
  return (
    <>
      <Toggle
        section="privacy"
        field="typingNotifications"
        label={t({ id: 'settings.privacy.typingNotifications' })}
        hint={t({ id: 'settings.privacy.typingNotifications.hint' })}
      />
      <Toggle
        section="privacy"
        field="readMarkers"
        label={t({ id: 'settings.privacy.readMarkers' })}
        hint={t({ id: 'settings.privacy.readMarkers.hint' })}
      />
      <Toggle
        section="privacy"
        field="receipts"
        label={t({ id: 'settings.privacy.receipts' })}
        hint={t({ id: 'settings.privacy.receipts.hint' })}
      />
      <Toggle
        section="privacy"
        field="softwareVersion"
        label={t({ id: 'settings.privacy.softwareVersion' })}
        hint={t({ id: 'settings.privacy.softwareVersion.hint' })}
      />
    </>
  );
}

export function ChatSection() {
  const { formatMessage: t } = useIntl();
  return (
    <>
      <Toggle
        section="chat"
        field="enterToSend"
        label={t({ id: 'settings.chat.enterToSend' })}
        hint={t({ id: 'settings.chat.enterToSend.hint' })}
      />
      <Toggle section="chat" field="spellCheck" label={t({ id: 'settings.chat.spellCheck' })} />
      <Toggle
        section="chat"
        field="emojiShortcuts"
        label={t({ id: 'settings.chat.emojiShortcuts' })}
        hint={t({ id: 'settings.chat.emojiShortcuts.hint' })}
      />
    </>
  );
}

export function WindowSection() {
  const { formatMessage: t } = useIntl();
  const desktop = Boolean(window.parley);
  return (
    <>
      {!desktop && <p className="hint">{t({ id: 'settings.window.desktopOnly' })}</p>}
      <Toggle
        section="window"
        field="closeToTray"
        label={t({ id: 'settings.window.closeToTray' })}
        hint={t({ id: 'settings.window.closeToTray.hint' })}
      />
      <Toggle
        section="window"
        field="startAtLogin"
        label={t({ id: 'settings.window.startAtLogin' })}
        hint={t({ id: 'settings.window.startAtLogin.hint' })}
      />
    </>
  );
}
