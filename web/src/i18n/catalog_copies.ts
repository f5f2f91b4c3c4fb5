// The registers as files (branch copies): XLSX and the printable PDF of Appendix IV.
// Vietnamese (NFC) first, English second.
export const catalogCopies = {
  'reg.xlsx': { vi: 'Tải XLSX', en: 'Download XLSX' },
  'reg.pdf': { vi: 'In sổ (PDF)', en: 'Print the register (PDF)' },
};
