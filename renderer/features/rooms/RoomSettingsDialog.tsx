// "Room settings…" (owners): the room's configuration form (muc.config.get) shown by the shared data-form
// renderer and sent with muc.config.submit. For a room we just created and left unconfigured, the dialog
// opens by itself; Cancel there keeps the room with its defaults (an instant room), so it is usable rather
// than locked or gone: the person asked for the room, and only declined to tune it.
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { initialValues, type DataForm as FormModel, type FormValues } from '../../../shared/data-form.ts';
import { DataForm } from '../../components/data-form/DataForm.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { loadRoomSettings, saveRoomSettings } from './room-admin-actions.ts';

interface RoomSettingsDialogProps {
  account: string;
  room: string;
  name: string;
  /** The room is new and waits for these settings (Room.unconfigured). */
  fresh: boolean;
  onClose: () => void;
}

export function RoomSettingsDialog({ account, room, name, fresh, onClose }: RoomSettingsDialogProps) {
  const [form, setForm] = useState<FormModel | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { formatMessage: t } = useIntl();
  const [submitError, setSubmitError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void loadRoomSettings(account, room).then((outcome) => {
      if (!live) return;
      if (outcome.ok) {
        setForm(outcome.value);
        setValues(initialValues(outcome.value));
      } else setLoadError(outcome.error);
    });
    return () => {
      live = false;
    };
  }, [account, room]);

  const save = async (next: FormValues | undefined): Promise<void> => {
    setBusy(true);
    setSubmitError(null);
    const outcome = await saveRoomSettings(account, room, next);
    setBusy(false);
    if (outcome.ok) onClose();
    else setSubmitError(outcome.error);
  };
  // A new room is never left locked: cancelling accepts its defaults.
  const cancel = (): void => {
    if (fresh) void save(undefined);
    else onClose();
  };

  return (
    <Dialog
      title={t({ id: 'rooms.settings.title' }, { name })}
      onClose={cancel}
      className="room-settings-dialog"
    >
      {fresh && <p className="dialog-note">{t({ id: 'rooms.settings.fresh' })}</p>}
      {!form && !loadError && <p className="dialog-note">{t({ id: 'rooms.settings.asking' })}</p>}
      {loadError && (
        <>
          <div role="alert" className="form-error">
            <p>{loadError}</p>
          </div>
          <div className="dialog-buttons">
            <button type="button" onClick={cancel} data-autofocus>
              {t({ id: 'dialog.close' })}
            </button>
          </div>
        </>
      )}
      {form && (
        <DataForm
          form={form}
          values={values}
          onChange={setValues}
          onSubmit={(_submit, accepted) => void save(accepted)}
          onCancel={cancel}
          submitLabel={t({ id: 'rooms.settings.save' })}

          busy={busy}
          submitError={submitError}
          showTitle={false}
        />
      )}
    </Dialog>
  );
}
