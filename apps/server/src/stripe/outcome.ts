/** How applying an event went: done, nothing to do, try again later, or staff must look. */
export type Outcome =
  | { status: 'applied' | 'ignored'; note?: string }
  | { status: 'retry'; note: string }
  | { status: 'needs_attention'; note: string };
