import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

const SHORTCUTS = [
  { keys: ['→'], what: 'help.keys.step' },
  { keys: ['←'], what: 'help.keys.back' },
  { keys: ['Space'], what: 'help.keys.play' },
  { keys: ['Page Down'], what: 'help.keys.lessonNext' },
  { keys: ['Page Up'], what: 'help.keys.lessonPrevious' },
  { keys: ['?'], what: 'help.keys.help' },
  { keys: ['Esc'], what: 'help.keys.escape' },
  { keys: ['↓', '↑', 'Home', 'End'], what: 'help.keys.menu' },
] as const;

/** The "?" dialog: keyboard shortcuts and how to read the screen. A native <dialog>, so focus stays inside it. */
export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Focus starts at the top, so the dialog opens showing its beginning (Close is at its bottom).
      heading.current?.focus();
      dialog.scrollTop = 0;
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog ref={ref} className="help-dialog" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title" ref={heading} tabIndex={-1}>
        {t('help.title')}
      </h2>
      <h3>{t('help.shortcuts')}</h3>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <th scope="row">
                {s.keys.map((k) => (
                  <kbd key={k}>{k === 'Space' ? t('help.space') : k}</kbd>
                ))}
              </th>
              <td>{t(s.what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="dim">{t('help.keysNoteAll')}</p>
      <h3>{t('help.readingTitle')}</h3>
      <ul>
        <li>{t('help.reading.columns')}</li>
        <li>{t('help.reading.memory')}</li>
        <li>{t('help.reading.granularity')}</li>
        <li>{t('help.reading.play')}</li>
        <li>{t('help.reading.breakpoints')}</li>
        <li>{t('help.reading.code')}</li>
      </ul>
      <form method="dialog">
        <button type="submit">{t('help.close')}</button>
      </form>
    </dialog>
  );
}
