// Notifications in the top bar: a bell with the number of unread events and, when opened, the list
// of the latest ones. It listens to kysod's server-sent events (GET /api/v1/events; the browser's
// EventSource reconnects by itself) for what waits for this person: a document at their step, a
// delivery arrived, a recipient's status, a recall.
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useI18n, isMsgId } from '../i18n/i18n';

interface Event {
  id: number;
  kind: string;
  ref: string;
  at: string;
  data: { summary?: string; symbol?: string; state?: string; reason?: string };
}

const KINDS = ['document.waiting', 'delivery.arrived', 'status.changed', 'document.recalled'];
const KEEP = 20;

/* Where the event's object is shown (the workflow screens' routes: documents, incoming). */
function linkOf(e: Event): string {
  const [kind, id] = e.ref.split('/');
  if (kind === 'document' && id) return '#/documents/' + id;
  if (kind === 'delivery' && id) return '#/incoming/' + id;
  return '#/incoming';
}

export function Notify() {
  const { t, lang } = useI18n();
  const [events, setEvents] = useState<Event[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [offline, setOffline] = useState(false);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return undefined;
    const src = new EventSource('/api/v1/events');
    const on = (m: MessageEvent<string>) => {
      let e: Event;
      try { e = JSON.parse(m.data) as Event; } catch { return; }
      setEvents((old) => [e, ...old.filter((o) => o.id !== e.id)].slice(0, KEEP));
      setUnread((n) => n + 1);
    };
    for (const k of KINDS) src.addEventListener(k, on as EventListener);
    src.onopen = () => setOffline(false);
    src.onerror = () => setOffline(src.readyState !== EventSource.OPEN);
    return () => src.close();
  }, []);

  const text = (e: Event) => {
    const id = 'notify.kind.' + e.kind;
    const summary = [e.data.symbol, e.data.summary].filter(Boolean).join(' — ');
    return t(isMsgId(id) ? id : 'notify.kind.other', { summary, state: e.data.state ?? '' });
  };

  return (
    <div class="notify">
      <button type="button" class="icon-btn notify__bell" aria-expanded={open} aria-controls="notify-list"
        aria-label={unread ? t('notify.unread', { n: unread }) : t('notify.button')} title={t('notify.button')}
        onClick={() => setOpen(!open)}>
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 17V11a6 6 0 1112 0v6l2 2H4zM10 21h4" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" /></svg>
        {unread > 0 && <span class="notify__badge" aria-hidden="true">{unread > 99 ? '99+' : unread}</span>}
      </button>
      {open && (
        <div id="notify-list" class="notify__panel" role="region" aria-label={t('notify.title')}>
          <p class="notify__title">{t('notify.title')}</p>
          {offline && <p class="notify__offline" role="status">{t('notify.offline')}</p>}
          {events.length === 0 ? <p class="notify__empty">{t('notify.empty')}</p> : (
            <ul class="notify__items" aria-live="polite">
              {events.map((e) => (
                <li key={e.id}>
                  <a href={linkOf(e)} onClick={() => setOpen(false)}>{text(e)}</a>
                  <span class="notify__time">{formatDateTime(e.at, lang)}</span>
                </li>
              ))}
            </ul>
          )}
          {unread > 0 && <button type="button" class="btn btn--link" onClick={() => setUnread(0)}>{t('notify.mark_read')}</button>}
        </div>
      )}
    </div>
  );
}
