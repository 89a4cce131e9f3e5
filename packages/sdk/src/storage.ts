/**
 * Where the SDK keeps its state (license key, token, last online check, used emergency codes).
 * Bring your own by implementing three async methods; values are strings.
 *
 * @example
 * const client = new KeywardClient({ serverUrl, storage: new MemoryStorage() });
 */
export interface KeywardStorage {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Keeps state in memory only (tests, short-lived processes).
 *
 * @example
 * const client = new KeywardClient({ serverUrl, storage: new MemoryStorage() });
 */
export class MemoryStorage implements KeywardStorage {
  private readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

/**
 * Keeps state in the browser's (or Electron renderer's) localStorage under a prefix.
 *
 * @example
 * const storage = new LocalStorageStorage('myapp:');
 */
export class LocalStorageStorage implements KeywardStorage {
  constructor(private readonly prefix = 'keyward:') {}
  private get store(): Storage {
    return globalThis.localStorage;
  }
  async get(key: string) {
    return this.store.getItem(this.prefix + key);
  }
  async set(key: string, value: string) {
    this.store.setItem(this.prefix + key, value);
  }
  async delete(key: string) {
    this.store.removeItem(this.prefix + key);
  }
}
