import cliProgress from 'cli-progress';

/** Reports rows copied so far. Export and import share it. */
export interface Progress {
  start(totalRows: number): void;
  /** `rows` more rows of `table` were copied. */
  advance(table: string, rows: number): void;
  stop(): void;
}

export const silentProgress: Progress = {
  start() {},
  advance() {},
  stop() {},
};

/** Plain lines this often (rows) when stderr is not a terminal, so logs show life without flooding. */
const LINE_EVERY = 100_000;

/**
 * A bar on stderr when it is a terminal; otherwise a line every 100,000 rows.
 * Never stdout: `keyward export --out -` writes the file there.
 */
export function stderrProgress(verb: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${verb} {bar} {percentage}% | {value}/{total} rows | {table}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0, { table: '' }),
      advance: (table, rows) => bar.increment(rows, { table }),
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let total = 0;
  let nextLine = LINE_EVERY;
  return {
    start(t) {
      total = t;
    },
    advance(table, rows) {
      done += rows;
      if (done >= nextLine) {
        stream.write(`${verb}: ${done}/${total} rows (${table})\n`);
        nextLine = done + LINE_EVERY;
      }
    },
    // No per-table lines: the command prints every table's count at the end.
    stop() {},
  };
}
