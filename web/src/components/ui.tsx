// The small component library of the UI: fields with their labels and errors, buttons, dialogs,
// tables that become cards on a phone, badges, notices. Accessible by construction: every input
// has a <label>, errors are tied with aria-describedby, dialogs are native <dialog> (focus trap
// and Escape), focus is always visible (styles.css).
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

let nextId = 0;
export function useId(prefix: string): string {
  const ref = useRef<string | null>(null);
  if (ref.current === null) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

interface FieldProps {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  children: (p: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string; required?: boolean }) => JSX.Element;
}

export function Field({ label, name, error, hint, required, children }: FieldProps) {
  const { t } = useI18n();
  const id = useId('f-' + name);
  const desc = [hint ? id + '-hint' : '', error ? id + '-err' : ''].filter(Boolean).join(' ');
  return (
    <div class={'field' + (error ? ' field--error' : '')} data-field={name}>
      <label for={id}>
        {label}
        {required ? <span class="req" aria-hidden="true"> *</span> : null}
        {required ? <span class="sr-only"> {t('form.required')}</span> : null}
      </label>
      {hint ? <p class="hint" id={id + '-hint'}>{hint}</p> : null}
      {error ? <p class="field-error" id={id + '-err'} role="alert">{error}</p> : null}
      {children({ id, name, 'aria-invalid': !!error, ...(desc ? { 'aria-describedby': desc } : {}), ...(required ? { required: true } : {}) })}
    </div>
  );
}

type InputProps = JSX.HTMLAttributes<HTMLInputElement>;

export function TextField(props: {
  label: string; name: string; value: string; onInput: (v: string) => void; error?: string | undefined;
  hint?: string; required?: boolean; type?: string; autocomplete?: string; maxLength?: number;
  inputMode?: InputProps['inputMode']; autoFocus?: boolean; spellcheck?: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  // In a dialog the autofocus attribute tells showModal() where to start; elsewhere, focus it here.
  useEffect(() => { if (props.autoFocus && !ref.current?.closest('dialog')) ref.current?.focus(); }, []);
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint} required={!!props.required}>
      {(a) => (
        <input {...a} ref={ref} type={props.type ?? 'text'} value={props.value} autoFocus={props.autoFocus}
          autocomplete={props.autocomplete} maxLength={props.maxLength} inputMode={props.inputMode}
          spellcheck={props.spellcheck}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)} />
      )}
    </Field>
  );
}

export function TextArea(props: {
  label: string; name: string; value: string; onInput: (v: string) => void; error?: string | undefined;
  hint?: string; required?: boolean; rows?: number; mono?: boolean;
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint} required={!!props.required}>
      {(a) => (
        <textarea {...a} rows={props.rows ?? 3} value={props.value} class={props.mono ? 'mono' : undefined}
          onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)} />
      )}
    </Field>
  );
}

export interface Option { value: string; label: string }

export function SelectField(props: {
  label: string; name: string; value: string; onChange: (v: string) => void; options: Option[];
  error?: string | undefined; hint?: string; required?: boolean; placeholder?: string;
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint} required={!!props.required}>
      {(a) => (
        <select {...a} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
          {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
          {props.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      )}
    </Field>
  );
}

export function Button(props: {
  children: ComponentChildren; onClick?: () => void; kind?: 'primary' | 'secondary' | 'danger' | 'link';
  type?: 'button' | 'submit'; disabled?: boolean; busy?: boolean; small?: boolean; name?: string;
  label?: string;
}) {
  const cls = ['btn', 'btn--' + (props.kind ?? 'secondary'), props.small ? 'btn--small' : ''].filter(Boolean).join(' ');
  return (
    <button class={cls} type={props.type ?? 'button'} onClick={props.onClick} name={props.name}
      disabled={props.disabled || props.busy} aria-busy={props.busy ? 'true' : undefined}
      aria-label={props.label}>
      {props.busy ? <span class="spinner" aria-hidden="true" /> : null}
      {props.children}
    </button>
  );
}

/* Label, hint, error, then the input (the order GOV.UK's design system tested with people). */
/* A modal dialog on the native <dialog>: the browser traps focus and closes it on Escape. */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { t } = useI18n();
  const titleId = useId('dlg');
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null; // the opener: focus returns there
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // Close it before it leaves the page: while a modal dialog is open the rest is inert.
    return () => { if (d?.open) d.close(); if (prev?.isConnected) prev.focus(); };
  }, []);
  return (
    <dialog ref={ref} class={'dialog' + (props.wide ? ' dialog--wide' : '')} aria-labelledby={titleId}
      onCancel={(e) => { e.preventDefault(); props.onClose(); }}>
      <div class="dialog__head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="icon-btn" onClick={props.onClose} aria-label={t('action.close')}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div class="dialog__body">{props.children}</div>
    </dialog>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return <div class="notice notice--error" role="alert">{message}</div>;
}

export function Notice(props: { kind: 'info' | 'success' | 'warning' | 'error'; children: ComponentChildren; live?: boolean }) {
  return (
    <div class={'notice notice--' + props.kind} role={props.kind === 'error' ? 'alert' : props.live ? 'status' : undefined}>
      {props.children}
    </div>
  );
}

export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'neutral' | 'info'; children: ComponentChildren }) {
  return <span class={'badge badge--' + props.tone}>{props.children}</span>;
}

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  class?: string;
}

/* A table on a desktop; each row a card on a phone (the labels come from data-label). */
export function Table<T>(props: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (r: T) => string | number; empty: string; captionHidden?: boolean }) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class={props.captionHidden ? 'sr-only' : undefined}>{props.caption}</caption>
        <thead>
          <tr>{props.columns.map((c) => <th key={c.key} scope="col" class={c.class}>{c.label}</th>)}</tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={props.rowKey(r)}>
              {props.columns.map((c) => {
                const v = c.render(r);
                const empty = v === '' || v === null || v === undefined;
                // One wrapper per cell: on a phone the cell is a grid of (label, value).
                return <td key={c.key} data-label={c.label} class={[c.class, empty ? 'is-empty' : ''].filter(Boolean).join(' ') || undefined}><span class="cell">{v}</span></td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Card(props: { title?: string; children: ComponentChildren; actions?: ComponentChildren; id?: string; class?: string }) {
  const hid = useId('card');
  return (
    <section class={'card ' + (props.class ?? '')} aria-labelledby={props.title ? hid : undefined} id={props.id}>
      {props.title || props.actions ? (
        <div class="card__head">
          {props.title ? <h2 id={hid}>{props.title}</h2> : <span />}
          {props.actions ? <div class="card__actions">{props.actions}</div> : null}
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

export function PageHeader(props: { title: string; subtitle?: string; actions?: ComponentChildren }) {
  return (
    <header class="page-head">
      <div>
        <h1 id="page-title" tabIndex={-1}>{props.title}</h1>
        {props.subtitle ? <p class="page-sub">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="page-actions">{props.actions}</div> : null}
    </header>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p class="loading" role="status"><span class="spinner" aria-hidden="true" />{t('common.loading')}</p>;
}

export function DefList(props: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="deflist">
      {props.items.map(([k, v]) => (
        <div key={k} class="deflist__row"><dt>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}
