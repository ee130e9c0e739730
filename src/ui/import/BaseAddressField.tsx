import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSafeId } from '../components/useSafeId';
import { gpaHex, MAX_GPA, parseGuestAddr, type GuestAddrInput } from './guestAddr';
import { importActions } from './importStore';

/**
 * Under an import refused for want of a dump's guest-physical address (one pmemsave of the whole ring saved under
 * a name with none): the address, typed in hex, runs the same import again with it (the CLI's `--base`). Input
 * that is no address is said beside the field and changes nothing else.
 */
export function BaseAddressField({ file }: { file: string }) {
  const { t } = useTranslation('import');
  const inputId = useSafeId();
  const hintId = useSafeId();
  const errorId = useSafeId();
  const [text, setText] = useState('');
  const [bad, setBad] = useState<{ reason: Exclude<GuestAddrInput, { ok: true }>['reason']; value: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = parseGuestAddr(text);
    if (!r.ok) {
      setBad({ reason: r.reason, value: text.trim() });
      return;
    }
    setBad(null);
    setBusy(true);
    void importActions.importWithBase(r.gpa).finally(() => setBusy(false));
  };

  return (
    <form className="imp-status imp-base" onSubmit={submit} data-testid="import-base" aria-busy={busy}>
      <label htmlFor={inputId} className="imp-base-label">
        {t('base.label', { file })}
      </label>
      <input
        id={inputId}
        type="text"
        className="imp-base-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="off"
        placeholder="0x…"
        aria-invalid={bad !== null}
        aria-describedby={bad ? `${errorId} ${hintId}` : hintId}
      />
      <button type="submit" disabled={busy}>
        {t('base.submit')}
      </button>
      <span id={hintId} className="vr-note imp-base-hint">
        {t('base.hint', { file })}
      </span>
      {bad && (
        <span id={errorId} className="vr-warn imp-base-error" role="alert" data-testid="import-base-error">
          {t(`base.${bad.reason}`, { value: bad.value, max: gpaHex(MAX_GPA) })}
        </span>
      )}
    </form>
  );
}
