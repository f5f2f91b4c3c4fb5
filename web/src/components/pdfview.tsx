// The PDF preview (pdf.js, its worker served by kysod from web/dist): every page drawn on a
// canvas, with boxes laid over it in PDF points — format findings, signature places in the
// colour of their verdict, and the signer's movable signature box (pointer or arrow keys).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useI18n } from '../i18n/i18n';
import { Loading, Notice } from './ui';

declare const __PDF_WORKER__: string;
/* pdf.js, loaded with the first preview (its own chunk) and its worker served beside it. */
let lib: Promise<typeof import('pdfjs-dist')> | null = null;
function pdfjs(): Promise<typeof import('pdfjs-dist')> {
  lib ??= import('pdfjs-dist').then((m) => { m.GlobalWorkerOptions.workerSrc = '/' + __PDF_WORKER__; return m; });
  return lib;
}

export type BoxTone = 'ok' | 'bad' | 'warn' | 'finding' | 'place';
export interface PdfBox { page: number; rect: number[]; tone: BoxTone; label: string; key: string }
export interface PdfRect { page: number; x0: number; y0: number; x1: number; y1: number }
export interface SigWidget { name: string; page: number; rect: number[] }
export interface TextLine { page: number; str: string; x: number; y: number; w: number; h: number }

/* What the page gives its caller once loaded: the signature fields and the text lines (for the
 * place of a signature between title and name). */
export interface PdfInfo { pages: number; sizes: [number, number][]; widgets: SigWidget[]; lines: TextLine[] }

interface Props {
  url: string;
  boxes?: PdfBox[];
  movable?: { rect: PdfRect; label: string; onChange: (r: PdfRect) => void } | null;
  onInfo?: (info: PdfInfo) => void;
  maxWidth?: number;
}

export function PdfView(props: Props) {
  const { t } = useI18n();
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [err, setErr] = useState(false);
  const [width, setWidth] = useState(0);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    let task: { destroy: () => Promise<void> } | null = null;
    setDoc(null);
    setErr(false);
    (async () => {
      const res = await fetch(props.url, { credentials: 'same-origin' });
      if (!res.ok) throw new Error('http ' + res.status);
      const data = new Uint8Array(await res.arrayBuffer());
      const lt = (await pdfjs()).getDocument({ data });
      task = lt;
      const d = await lt.promise;
      if (!live) return;
      setDoc(d);
      if (props.onInfo) props.onInfo(await collect(d));
    })().catch(() => { if (live) setErr(true); });
    return () => { live = false; if (task) void task.destroy(); };
  }, [props.url]);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const measure = () => setWidth(Math.min(el.clientWidth, props.maxWidth ?? 760));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const pages = doc ? Array.from({ length: doc.numPages }, (_, i) => i + 1) : [];
  return (
    <div class="pdfview" ref={wrap} aria-label={t('pdf.preview')} role="region">
      {err ? <Notice kind="error">{t('pdf.error')}</Notice> : null}
      {!doc && !err ? <Loading /> : null}
      {doc && width > 0 ? pages.map((n) => (
        <PdfPage key={n} doc={doc} n={n} width={width} boxes={(props.boxes ?? []).filter((b) => b.page === n)}
          movable={props.movable && props.movable.rect.page === n ? props.movable : null} />
      )) : null}
    </div>
  );
}

async function collect(d: PDFDocumentProxy): Promise<PdfInfo> {
  const info: PdfInfo = { pages: d.numPages, sizes: [], widgets: [], lines: [] };
  for (let n = 1; n <= d.numPages; n++) {
    const p = await d.getPage(n);
    const vp = p.getViewport({ scale: 1 });
    info.sizes.push([vp.width, vp.height]);
    for (const a of await p.getAnnotations()) {
      const o = a as { subtype?: string; fieldType?: string; fieldName?: string; rect?: number[] };
      if (o.subtype === 'Widget' && o.fieldType === 'Sig' && o.rect) info.widgets.push({ name: o.fieldName ?? '', page: n, rect: o.rect });
    }
    const tc = await p.getTextContent();
    for (const it of tc.items) {
      const o = it as { str?: string; transform?: number[]; width?: number; height?: number };
      if (!o.str || !o.str.trim() || !o.transform) continue;
      info.lines.push({ page: n, str: o.str, x: o.transform[4] ?? 0, y: o.transform[5] ?? 0, w: o.width ?? 0, h: o.height ?? 0 });
    }
  }
  return info;
}

function PdfPage(props: { doc: PDFDocumentProxy; n: number; width: number; boxes: PdfBox[]; movable: Props['movable'] }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<{ w: number; h: number; scale: number; ph: number } | null>(null);

  useEffect(() => {
    let live = true;
    let task: { cancel: () => void } | null = null;
    (async () => {
      const page = await props.doc.getPage(props.n);
      const base = page.getViewport({ scale: 1 });
      const scale = props.width / base.width;
      const vp = page.getViewport({ scale });
      const c = canvas.current;
      if (!c || !live) return;
      const dpr = Math.min(window.devicePixelRatio || 1, 2);
      c.width = Math.floor(vp.width * dpr);
      c.height = Math.floor(vp.height * dpr);
      c.style.width = `${vp.width}px`;
      c.style.height = `${vp.height}px`;
      const r = page.render({ canvas: c, viewport: page.getViewport({ scale: scale * dpr }) });
      task = r;
      setSize({ w: vp.width, h: vp.height, scale, ph: base.height });
      await r.promise;
    })().catch(() => undefined);
    return () => { live = false; task?.cancel(); };
  }, [props.doc, props.n, props.width]);

  // PDF points (origin bottom left) to CSS pixels of this page (origin top left).
  const css = (r: number[]): Record<string, string> => {
    if (!size) return {};
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = r;
    return {
      left: `${Math.min(x0, x1) * size.scale}px`, top: `${(size.ph - Math.max(y0, y1)) * size.scale}px`,
      width: `${Math.abs(x1 - x0) * size.scale}px`, height: `${Math.abs(y1 - y0) * size.scale}px`,
    };
  };

  return (
    <div class="pdfpage" style={size ? { width: `${size.w}px`, height: `${size.h}px` } : undefined}>
      <canvas ref={canvas} role="img" aria-label={t('pdf.page', { n: props.n, total: props.doc.numPages })} />
      {props.boxes.map((b) => (
        <div key={b.key} class={'pdfbox pdfbox--' + b.tone} style={css(b.rect)} title={b.label} data-box={b.key}>
          <span class="pdfbox__label">{b.label}</span>
        </div>
      ))}
      {props.movable && size ? <MovableBox m={props.movable} scale={size.scale} css={css} /> : null}
    </div>
  );
}

function MovableBox(props: { m: NonNullable<Props['movable']>; scale: number; css: (r: number[]) => Record<string, string> }) {
  const { t } = useI18n();
  const { rect, onChange, label } = props.m;
  const drag = useRef<{ x: number; y: number; r: PdfRect } | null>(null);
  const move = (dx: number, dy: number, from: PdfRect) => onChange({
    page: from.page, x0: from.x0 + dx, x1: from.x1 + dx, y0: from.y0 + dy, y1: from.y1 + dy,
  });
  return (
    <button type="button" class="pdfbox pdfbox--move" style={props.css([rect.x0, rect.y0, rect.x1, rect.y1])}
      aria-label={label + '. ' + t('pdf.move_hint')} data-box="sign-place"
      onPointerDown={(e) => {
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, y: e.clientY, r: rect };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        move((e.clientX - d.x) / props.scale, -(e.clientY - d.y) / props.scale, d.r);
      }}
      onPointerUp={() => { drag.current = null; }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 20 : 4;
        const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
        const v = d[e.key];
        if (v) { e.preventDefault(); move(v[0], v[1], rect); }
      }}>
      <span class="pdfbox__label">{label}</span>
    </button>
  );
}
