const STORAGE_KEY = 'mda.apiKey';

/** The API key lives in sessionStorage only: gone when the tab closes, never in a URL or a log. */
export const keyStore = {
  get: (): string | null => {
    try {
      return sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  },
  set: (key: string) => sessionStorage.setItem(STORAGE_KEY, key),
  clear: () => sessionStorage.removeItem(STORAGE_KEY),
};
