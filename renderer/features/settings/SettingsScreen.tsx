// The settings screen: a large dialog over the main window (Esc closes), its sections in a vertical tab
// list (arrow keys, Home and End move between them and show each at once) beside the section shown.
// Loaded as its own chunk when first opened (SettingsEntry.tsx).
import { useId, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { useIntl, type MessageDescriptor } from 'react-intl';
import { Dialog } from '../../components/Dialog.tsx';
import { SETTINGS_SECTIONS, useSettingsView, type SettingsSection } from './settings-view.ts';
import { sectionAfterKey } from './settings-logic.ts';
import { AccountsSection, AdvancedSection, NetworkSection } from './AccountSections.tsx';
import {
  AppearanceSection,
  ChatSection,
  NotificationsSection,
  PrivacySection,
  WindowSection,
} from './GeneralSections.tsx';
import { IdleSection } from './IdleSection.tsx';
import './settings.css';

const TITLES: Record<SettingsSection, MessageDescriptor> = {
  accounts: { id: 'settings.section.accounts' },
  notifications: { id: 'settings.section.notifications' },
  appearance: { id: 'settings.section.appearance' },
  privacy: { id: 'settings.section.privacy' },
  chat: { id: 'settings.section.chat' },
  idle: { id: 'settings.section.idle' },
  window: { id: 'settings.section.window' },
  network: { id: 'settings.section.network' },
  advanced: { id: 'settings.section.advanced' },
};

const SECTIONS: Record<SettingsSection, () => React.JSX.Element> = {
  accounts: AccountsSection,
  notifications: NotificationsSection,
  appearance: AppearanceSection,
  privacy: PrivacySection,
  chat: ChatSection,
  idle: IdleSection,
  window: WindowSection,
  network: NetworkSection,
  advanced: AdvancedSection,
};

export default function SettingsScreen() {
  const { formatMessage: t } = useIntl();
  const section = useSettingsView((s) => s.section);
  const { show, hide } = useSettingsView.getState();
  const base = useId();
  const tabs = useRef(new Map<SettingsSection, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const next = sectionAfterKey(section, event.key);
    if (next === null) return;
    event.preventDefault();
    show(next);
    tabs.current.get(next)?.focus();
  };
  const Section = SECTIONS[section];
  return (
    <Dialog title={t({ id: 'settings.title' })} onClose={hide} className="settings-dialog">
      <div className="settings-body">
        <div
          role="tablist"
          aria-orientation="vertical"
          aria-label={t({ id: 'settings.sections' })}
          className="settings-tabs"
          onKeyDown={onKeyDown}
        >
          {SETTINGS_SECTIONS.map((name) => (
            <button
              key={name}
              ref={(el) => {
                if (el) tabs.current.set(name, el);
                else tabs.current.delete(name);
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${name}`}
              aria-selected={name === section}
              aria-controls={`${base}-panel`}
              tabIndex={name === section ? 0 : -1}
              data-autofocus={name === section ? true : undefined}
              onClick={() => show(name)}
            >
              {t(TITLES[name])}
            </button>
          ))}
        </div>
        <section
          role="tabpanel"
          id={`${base}-panel`}
          aria-labelledby={`${base}-tab-${section}`}
          className="settings-panel"
        >
          <h3 className="settings-section-title">{t(TITLES[section])}</h3>
          <Section />
        </section>
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={hide}>
          {t({ id: 'dialog.close' })}
        </button>
      </div>
    </Dialog>
  );
}
