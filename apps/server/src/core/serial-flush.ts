/**
 * One write at a time, and a flush that covers everything recorded before it was called. While a
 * write is under way, what was recorded after it took its batch goes in one next write, shared by every
 * caller meanwhile: a timer's tick must not make a shutdown or an audit return before its rows are in.
 */
export class SerialFlush {
  private writing: Promise<void> | undefined;
  private nextWrite: Promise<void> | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  flush(): Promise<void> {
    if (!this.writing) return this.start();
    this.nextWrite ??= this.writing
      .catch(() => undefined)
      .then(() => {
        this.nextWrite = undefined;
        return this.start();
      });
    return this.nextWrite;
  }

  private start(): Promise<void> {
    const write: Promise<void> = this.write().finally(() => {
      if (this.writing === write) this.writing = undefined;
    });
    this.writing = write;
    return write;
  }
}
