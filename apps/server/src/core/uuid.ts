const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (so it can be compared with a uuid column without a cast error). */
export const isUuid = (s: string | null | undefined): s is string => typeof s === 'string' && UUID.test(s);
