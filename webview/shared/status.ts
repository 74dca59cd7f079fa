// Notices from the host, shown in a live region so screen readers announce them.
import { h } from './dom';

export interface NoticeArea {
  el: HTMLElement;
  show(level: 'info' | 'error', text: string): void;
}

export function noticeArea(): NoticeArea {
  const el = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    show(level, text) {
      const item = h('p', { class: `notice ${level}` }, text);
      el.replaceChildren(item);
      if (level === 'info') window.setTimeout(() => item.remove(), 8000);
    },
  };
}
