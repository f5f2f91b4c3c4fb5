// Form state with the API's field-level errors: the error object's `field` (or `fields`) puts
// the server's message under that input; anything else is shown above the form.
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { useI18n, type MsgId } from '../i18n/i18n';

export interface FormState<V> {
  values: V;
  set: <K extends keyof V>(k: K, v: V[K]) => void;
  setAll: (v: V) => void;
  errors: Record<string, string>;
  formError: string | null;
  busy: boolean;
  submit: (fn: () => Promise<void>, required?: (keyof V)[]) => Promise<void>;
  reset: (v: V) => void;
}

export function useErrorText(): (e: unknown) => string {
  const { t } = useI18n();
  return (e: unknown) => {
    if (e instanceof ApiError) {
      if (e.code === 'network') return t('error.network');
      if (e.message) return e.message;
      return t('error.generic');
    }
    return t('error.generic');
  };
}

/* Maps an API field name (possibly "line:column" or "contacts.email") to the form's own. */
function fieldKey(f: string): string {
  const dot = f.lastIndexOf('.');
  return f.startsWith('contacts.') ? f : dot > 0 && !/^\d/.test(f) ? f.slice(dot + 1) : f;
}

export function useForm<V extends object>(initial: V, fieldOf?: (apiField: string) => string): FormState<V> {
  const { t } = useI18n();
  const errText = useErrorText();
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof V>(k: K, v: V[K]) => {
    setValues((prev) => ({ ...prev, [k]: v }));
    if (errors[k as string]) setErrors((prev) => { const n = { ...prev }; delete n[k as string]; return n; });
  };

  const submit = async (fn: () => Promise<void>, required: (keyof V)[] = []) => {
    const missing: Record<string, string> = {};
    for (const k of required) {
      const v = values[k];
      if (v === '' || v === null || v === undefined) missing[k as string] = t('form.field_required' as MsgId);
    }
    if (Object.keys(missing).length) {
      setErrors(missing);
      setFormError(null);
      focusFirstError();
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await fn();
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        const mapped: Record<string, string> = {};
        for (const [k, v] of Object.entries(e.fields)) mapped[fieldOf ? fieldOf(k) : fieldKey(k)] = v;
        setErrors(mapped);
        const known = Object.keys(mapped).some((k) => k in (values as Record<string, unknown>) || k.startsWith('contacts.'));
        if (!known) setFormError(errText(e));
        focusFirstError();
      } else {
        setFormError(errText(e));
      }
    } finally {
      setBusy(false);
    }
  };

  return {
    values, set, setAll: setValues, errors, formError, busy, submit,
    reset: (v: V) => { setValues(v); setErrors({}); setFormError(null); },
  };
}

function focusFirstError(): void {
  setTimeout(() => {
    const el = document.querySelector<HTMLElement>('dialog[open] [aria-invalid="true"], main [aria-invalid="true"]');
    el?.focus();
  }, 0);
}
