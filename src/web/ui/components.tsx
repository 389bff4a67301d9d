import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiError } from './api.js';

export function ErrorBox({ error }: { error: ApiError | Error | string | undefined }) {
  if (!error) return null;
  const msg = typeof error === 'string' ? error : error.message;
  // A 401 or an outage is shown once, by the app's banner.
  if (typeof error !== 'string' && 'status' in error && (error.status === 0 || error.status === 401)) return null;
  return <div class="error-box" role="alert">{msg}</div>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Badge({ kind, children, title }: { kind?: 'ok' | 'warn' | 'bad' | 'accent'; children: ComponentChildren; title?: string }) {
  return <span class={`badge${kind ? ` ${kind}` : ''}`} title={title}>{children}</span>;
}

/**
 * A modal confirmation built on <dialog>: focus moves into it, Escape cancels, and the confirm button names
 * the action ("Kill session"), so it reads right to a screen reader.
 */
export function Confirm(props: { open: boolean; title: string; children: ComponentChildren; confirm: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); props.onCancel(); }}>
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <div class="btn-row end">
        <button class="btn" type="button" onClick={props.onCancel}>Cancel</button>
        <button class={`btn ${props.danger ? 'danger' : 'primary'}`} type="button" onClick={props.onConfirm}>{props.confirm}</button>
      </div>
    </dialog>
  );
}

/** A labelled form field; the hint and error are tied to the control with aria-describedby. */
export function Field(props: { id: string; label: string; hint?: ComponentChildren; error?: string; children: ComponentChildren; class?: string }) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <span class="hint" id={`${props.id}-hint`}>{props.hint}</span>}
      {props.error && <span class="error-text" id={`${props.id}-err`} role="alert">{props.error}</span>}
    </div>
  );
}
