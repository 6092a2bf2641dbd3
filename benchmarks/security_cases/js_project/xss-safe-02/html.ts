export const banner = (msg: string): string => `<div class="banner">${msg}</div>`;
