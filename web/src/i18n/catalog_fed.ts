// Messages of the notifications (branch fed): the badge and list in the top bar (components/notify.tsx).
export const catalogFed = {
  'notify.button': { vi: 'Thông báo', en: 'Notifications' },
  'notify.unread': { vi: '{n} thông báo mới', en: '{n} new notifications' },
  'notify.title': { vi: 'Thông báo', en: 'Notifications' },
  'notify.empty': { vi: 'Chưa có thông báo mới.', en: 'No new notifications.' },
  'notify.mark_read': { vi: 'Đánh dấu đã xem', en: 'Mark as read' },
  'notify.offline': { vi: 'Mất kết nối thông báo; đang kết nối lại…', en: 'Notifications disconnected; reconnecting…' },
  'notify.kind.document.waiting': { vi: 'Văn bản chờ bạn xử lý: {summary}', en: 'A document waits for you: {summary}' },
  'notify.kind.delivery.arrived': { vi: 'Văn bản đến: {summary}', en: 'A document arrived: {summary}' },
  'notify.kind.status.changed': { vi: 'Nơi nhận đã cập nhật trạng thái ({state}): {summary}', en: 'A recipient changed its status ({state}): {summary}' },
  'notify.kind.document.recalled': { vi: 'Văn bản đã bị nơi gửi thu hồi: {summary}', en: 'The sender recalled a document: {summary}' },
  'notify.kind.other': { vi: 'Có thay đổi: {summary}', en: 'Something changed: {summary}' },
} as const;
