import { useState } from 'react';

import { ApiError } from '../api/client';
import { fieldErrorText } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { useErrorText } from './Status';

// Submitting a form to the API: the busy state, the problem's field errors
// (shown next to their fields) and its general message (shown above).
export function useSubmit() {
  const i18n = useI18n();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (action: () => Promise<void>, describe?: (err: unknown) => string | null) => {
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      await action();
    } catch (err) {
      const fields: Record<string, string> = {};
      if (err instanceof ApiError)
        for (const [field, e] of Object.entries(err.fields())) fields[field] = fieldErrorText(i18n, field, e.code, e.message);
      setFieldErrors(fields);
      setFormError(describe?.(err) ?? errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, fieldErrors, formError, submit };
}
